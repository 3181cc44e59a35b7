// Declarations only (include/CFuzzDriver.h): the definition comes with -sanitize=fuzzer.
#include "CFuzzDriver.h"
