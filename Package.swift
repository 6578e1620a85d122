// swift-tools-version: 6.3
import PackageDescription

let package = Package(
    name: "Ricci",
    // MARK: - Products
    products: [
        .library(name: "Ricci", targets: ["Ricci"]),
        .executable(name: "ricci", targets: ["RicciCommandLine"]),
        .executable(name: "ricci-bench", targets: ["RicciBench"]),
        .executable(name: "ricci-campaign", targets: ["RicciCampaignCommand"]),
    ],
    // MARK: - Dependencies
    dependencies: [],
    // MARK: - Targets
    targets: [
        // The library: one folder per pipeline stage (see DESIGN.md).
        .target(name: "Ricci", path: "Sources/Ricci"),
        // The command-line tool: splits arguments, calls the library, prints.
        .executableTarget(name: "RicciCommandLine", dependencies: ["Ricci"], path: "Sources/ricci"),
        // Seeded random problems over the whole language, every answer checked against central
        // differences: a library for the tests and the campaign executable.
        .target(name: "RicciCampaign", dependencies: ["Ricci"], path: "Sources/RicciCampaign"),
        .executableTarget(name: "RicciCampaignCommand", dependencies: ["Ricci", "RicciCampaign"],
                          path: "Sources/ricci-campaign"),
        // The benchmark executable (run it with `swift run -c release ricci-bench`).
        .executableTarget(name: "RicciBench", dependencies: ["Ricci"], path: "Benchmarks/ricci-bench"),
        // MARK: - Tests
        .testTarget(name: "RicciTests", dependencies: ["Ricci", "RicciCampaign"], path: "Tests/RicciTests",
                    resources: [.copy("Fixtures")]),
    ]
)
