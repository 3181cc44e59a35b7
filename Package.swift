// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Envoi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "envoi", targets: ["envoi"]),
        // The pure parsers, for the libFuzzer package in Fuzz/ (it depends on this one by path).
        .library(name: "SMTPProtocol", targets: ["SMTPProtocol"]),
        .library(name: "MailMessage", targets: ["MailMessage"]),
        .library(name: "DKIM", targets: ["DKIM"]),
        .library(name: "APIWire", targets: ["APIWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "EnvoiCore", dependencies: [.product(name: "CoreMetrics", package: "swift-metrics")]),
        .target(name: "SMTPProtocol", dependencies: ["EnvoiCore"]),
        .target(name: "MailMessage", dependencies: ["EnvoiCore"]),
        // Pure: VERP return paths, RFC 3464 delivery status notifications, RFC 5965 feedback reports.
        .target(
            name: "Bounces",
            dependencies: ["EnvoiCore", "MailMessage", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The system's OpenSSL libcrypto (Debian libssl-dev) for fast DKIM RSA signatures.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "DKIM",
            dependencies: [
                "EnvoiCore",
                "MailMessage",
                "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Secrets sealed at rest under the master key, the same for every backend of the store.
        // Also the PBKDF2 password hashes of SMTP credentials, which every backend stores and checks alike.
        .target(
            name: "EnvoiSecrets",
            dependencies: [
                "EnvoiCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The one `MessageIntake`, over EnvoiCore's `IntakeStore`: each backend supplies the reads
        // and the commit, and neither GRDB nor PostgresNIO is linked here.
        .target(
            name: "EnvoiIntake",
            dependencies: ["EnvoiCore", "EnvoiSecrets", "MailMessage", "Bounces", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "EnvoiStore",
            dependencies: [
                "EnvoiCore",
                "EnvoiSecrets",
                "EnvoiIntake",
                "MailMessage",
                "Bounces",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The PostgreSQL backend of the EnvoiCore store protocols, for several nodes sharing one database.
        .target(
            name: "EnvoiPostgres",
            dependencies: [
                "EnvoiCore",
                "EnvoiSecrets",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SMTPServer",
            dependencies: [
                "EnvoiCore",
                "SMTPProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "MetricsEndpoint",
            dependencies: [
                "EnvoiCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SMTPClient",
            dependencies: [
                "SMTPProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        .target(
            name: "SMTPLoad",
            dependencies: [
                "EnvoiCore",
                "SMTPClient",
                "SMTPProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "Delivery",
            dependencies: [
                "EnvoiCore",
                "MailMessage",
                "Bounces",
                "DKIM",
                "SMTPProtocol",
                "SMTPClient",
                "DNSResolver",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Pure: the HTTPS API's parsers of untrusted input (Authorization header, submitEmail JSON),
        // free of the HTTP server so that the fuzzer builds them alone.
        .target(name: "APIWire", dependencies: ["EnvoiCore", "MailMessage"]),
        .target(
            name: "HTTPAPI",
            dependencies: [
                "APIWire",
                "EnvoiCore",
                "MailMessage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // glibc's stub resolver (libresolv ships with libc6-dev: no extra package to install).
        .systemLibrary(name: "CResolv", path: "Sources/CResolv"),
        .target(name: "DNSResolver", dependencies: ["EnvoiCore", "CResolv"]),
        .target(name: "DkimService", dependencies: ["EnvoiCore", "DKIM", "DNSResolver", "EnvoiStore"]),
        // The wide-character ncurses; NCURSES_WIDECHAR is defined in the shim (SwiftPM drops pkg-config -D flags).
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", providers: [.apt(["libncurses-dev"])]),
        .target(
            name: "Console",
            dependencies: [
                "EnvoiCore",
                "CNcurses",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "envoi",
            dependencies: [
                "EnvoiCore",
                "EnvoiSecrets",
                "EnvoiStore",
                "EnvoiIntake",
                // envoi init --database: the shared PostgreSQL store.
                "EnvoiPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "SMTPServer",
                "MetricsEndpoint",
                "Delivery",
                "SMTPProtocol",
                "SMTPClient",
                "SMTPLoad",
                "HTTPAPI",
                "DKIM",
                "DNSResolver",
                "DkimService",
                "MailMessage",
                "Bounces",
                "Console",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // envoi demo registers an API signing key it generates.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "EnvoiCoreTests", dependencies: ["EnvoiCore"]),
        .testTarget(
            name: "DeliveryTests",
            dependencies: ["Delivery", "EnvoiCore", "Bounces", "DNSResolver", "SMTPProtocol", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "SMTPProtocolTests", dependencies: ["SMTPProtocol", "EnvoiCore"]),
        .testTarget(name: "MailMessageTests", dependencies: ["MailMessage", "EnvoiCore"]),
        .testTarget(
            name: "BouncesTests",
            dependencies: ["Bounces", "EnvoiCore", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "DKIMTests", dependencies: ["DKIM", "MailMessage", "EnvoiCore"], resources: [.copy("Resources")]),
        .testTarget(name: "EnvoiStoreTests", dependencies: ["EnvoiStore", "EnvoiSecrets", "EnvoiCore", "EnvoiIntake", "Bounces"]),
        // The same assertions against every backend: SQLite (EnvoiStore) and PostgreSQL (EnvoiPostgres).
        .testTarget(
            name: "StoreContractTests",
            dependencies: [
                "EnvoiStore",
                "EnvoiPostgres",
                "EnvoiIntake",
                "EnvoiSecrets",
                "EnvoiCore",
                // The DKIM key generator both backends' createDkim is given.
                "DkimService",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SMTPClientTests",
            dependencies: [
                "SMTPClient", "SMTPProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SMTPServerTests",
            dependencies: [
                "SMTPServer", "SMTPProtocol", "EnvoiCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "SMTPLoadTests", dependencies: ["SMTPLoad", "SMTPClient", "SMTPProtocol"]),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "HTTPAPI",
                "APIWire",
                "EnvoiStore",
                "EnvoiCore",
                "DkimService",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "EnvoiCore"], exclude: ["Snapshots"]),
        .testTarget(name: "DNSResolverTests", dependencies: ["DNSResolver", "EnvoiCore"]),
        .testTarget(name: "DkimServiceTests", dependencies: ["DkimService", "DKIM", "DNSResolver", "EnvoiStore", "EnvoiCore"]),
    ]
)
