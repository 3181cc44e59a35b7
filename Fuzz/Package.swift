// swift-tools-version:6.1
// libFuzzer targets for Envoi's parsers of untrusted input. A separate package so that the main
// build never carries the fuzzer flags; build and run with scripts/fuzz.sh.
import PackageDescription

let package = Package(
    name: "EnvoiFuzz",
    dependencies: [.package(name: "Envoi", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "FuzzSMTPCommand", dependencies: ["CFuzzDriver", .product(name: "SMTPProtocol", package: "Envoi")]),
        .executableTarget(name: "FuzzMessageData", dependencies: ["CFuzzDriver", .product(name: "SMTPProtocol", package: "Envoi")]),
        .executableTarget(name: "FuzzSASL", dependencies: ["CFuzzDriver", .product(name: "SMTPProtocol", package: "Envoi")]),
        .executableTarget(name: "FuzzHeader", dependencies: ["CFuzzDriver", .product(name: "MailMessage", package: "Envoi")]),
        .executableTarget(name: "FuzzDKIMRecord", dependencies: ["CFuzzDriver", .product(name: "DKIM", package: "Envoi")]),
        .executableTarget(name: "FuzzAuthorizationHeader", dependencies: ["CFuzzDriver", .product(name: "APIWire", package: "Envoi")]),
        .executableTarget(name: "FuzzSubmitEmail", dependencies: ["CFuzzDriver", .product(name: "APIWire", package: "Envoi")]),
    ]
)
