// libFuzzer's driver entry point (compiler-rt, LLVM 11 and later). SwiftPM gives each executable
// its own main, so the fuzzers call the driver from it instead of linking libFuzzer's main.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
