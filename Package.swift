// swift-tools-version:6.0
import PackageDescription

// Release builds of the hot kernels are what users run; debug builds are far slower.
let unchecked: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "trq",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trq", targets: ["trq"]),
        .executable(name: "trq-datagen", targets: ["trq-datagen"]),
        .library(name: "TRQEngine", targets: ["TRQEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibedit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CParquetCodecs", providers: [.apt(["libsnappy-dev", "libzstd-dev", "liblz4-dev", "libbrotli-dev"])]),
        .target(name: "CFrameKernels"),
        .target(name: "TRQFrame", dependencies: ["CFrameKernels"], swiftSettings: unchecked),
        .target(name: "TRQLanguage"),
        .target(name: "TRQParquet", dependencies: ["TRQFrame", "CZlib", "CParquetCodecs"], swiftSettings: unchecked),
        .target(name: "TRQModels", dependencies: ["TRQFrame", "COpenBLAS"], swiftSettings: unchecked),
        .target(name: "TRQPlot", dependencies: ["TRQFrame"]),
        .target(name: "TRQEngine", dependencies: ["TRQFrame", "TRQLanguage", "TRQModels", "TRQPlot", "TRQParquet"]),
        .executableTarget(
            name: "trq",
            dependencies: [
                "TRQEngine", "CLibedit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "trq-bench-models", dependencies: ["TRQModels"], swiftSettings: unchecked),
        .executableTarget(
            name: "trq-datagen",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "trq-bench", dependencies: ["TRQFrame"], path: "scripts/bench/trq-bench",
                          swiftSettings: unchecked),
        // Checks shared by test targets: an independent CSV parser.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TRQFrameTests", dependencies: ["TRQFrame", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TRQLanguageTests", dependencies: ["TRQLanguage"]),
        .testTarget(name: "TRQModelsTests", dependencies: ["TRQModels"]),
        .testTarget(name: "TRQParquetTests", dependencies: ["TRQParquet", "TRQFrame"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TRQPlotTests", dependencies: ["TRQPlot", "TestSupport"]),
        .testTarget(name: "TRQEngineTests", dependencies: ["TRQEngine", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatagenTests", dependencies: ["trq-datagen", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["trq"]),
    ]
)
