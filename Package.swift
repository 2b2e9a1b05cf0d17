// swift-tools-version:6.1
import PackageDescription

// Release builds of the hot kernels are what users run; debug builds are far slower. -Ounchecked
// saves TRQFrame about 10% of a CSV load (scripts/bench/RESULTS.md); the CSV fuzzer uses it too.
let unchecked: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
/// What only `--traits Spark` builds.
let spark: TargetDependencyCondition? = .when(traits: ["Spark"])

let package = Package(
    name: "trq",
    // Built and tested on x86-64 Linux (the C kernels also compile for arm64, without SIMD);
    // on macOS, Synchronization's Atomic needs 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trq", targets: ["trq"]),
        .executable(name: "trq-datagen", targets: ["trq-datagen"]),
        .library(name: "TRQEngine", targets: ["TRQEngine"]),
    ],
    // `swift build --traits Spark` adds the Spark Connect engine (`.connect`). gRPC and its TLS
    // dependencies take about ten minutes to build cold, so the default build leaves them out.
    traits: [.trait(name: "Spark", description: "Run pipelines on Apache Spark through Spark Connect")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibedit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CParquetCodecs", providers: [.apt(["libsnappy-dev", "libzstd-dev", "liblz4-dev", "libbrotli-dev"])]),
        .target(name: "CFrameKernels"),
        .target(name: "CModelKernels", exclude: ["generate_gemm_blocks.py"], linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "TRQFrame", dependencies: ["CFrameKernels", "CZlib"], swiftSettings: unchecked),
        .target(name: "TRQLanguage"),
        .target(name: "TRQParquet", dependencies: ["TRQFrame", "CFrameKernels", "CZlib", "CParquetCodecs"], swiftSettings: unchecked),
        // Seeded generators shared by the models, trq-datagen (which links no other library target), tests and benchmarks.
        .target(name: "TRQRandom"),
        .target(name: "TRQModels", dependencies: ["TRQFrame", "TRQRandom", "CModelKernels"], swiftSettings: unchecked),
        .target(name: "TRQPlot", dependencies: ["TRQFrame"]),
        .target(name: "TRQEngine", dependencies: ["TRQFrame", "TRQLanguage", "TRQModels", "TRQPlot", "TRQParquet"]),
        // Arrow IPC streams (Spark's result batches and local relations): no gRPC, always built and tested.
        .target(name: "TRQArrow", dependencies: ["TRQFrame"]),
        // The Spark engine. Its sources and the generated protos are wrapped in `#if Spark`, so a
        // default build compiles it empty and links none of gRPC.
        .target(
            name: "TRQSpark",
            dependencies: [
                "TRQEngine", "TRQArrow", "TRQFrame", "TRQLanguage", "TRQModels",
                .product(name: "GRPCCore", package: "grpc-swift-2", condition: spark),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport", condition: spark),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf", condition: spark),
                .product(name: "SwiftProtobuf", package: "swift-protobuf", condition: spark),
            ]),
        .executableTarget(
            name: "trq",
            dependencies: [
                "TRQEngine", "TRQPlot", "CLibedit",
                .target(name: "TRQSpark", condition: spark),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "trq-bench-models", dependencies: ["TRQModels"], swiftSettings: unchecked),
        .executableTarget(
            name: "trq-datagen",
            dependencies: ["TRQRandom", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["calibrate_genres.py"]),
        // Benchmark programs, built like everything else: swift build -c release --product NAME.
        .executableTarget(name: "trq-bench", dependencies: ["TRQFrame"], path: "scripts/bench/trq-bench",
                          swiftSettings: unchecked),
        .executableTarget(name: "trq-bench-kernels", dependencies: ["TRQFrame", "TRQRandom"], path: "scripts/bench/kernels",
                          exclude: ["run.sh", "bench.py"], swiftSettings: unchecked),
        .executableTarget(name: "trq-bench-parser", dependencies: ["TRQLanguage"], path: "scripts/bench/trq-bench-parser"),
        // Shared by test targets: an independent CSV parser, where the real data sets are, seeded generators.
        .target(name: "TestSupport", dependencies: ["TRQRandom"], path: "Tests/TestSupport"),
        .testTarget(name: "TRQFrameTests", dependencies: ["TRQFrame", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TRQLanguageTests", dependencies: ["TRQLanguage"]),
        .testTarget(name: "TRQModelsTests", dependencies: ["TRQModels", "CModelKernels", "TestSupport"]),
        .testTarget(name: "TRQParquetTests", dependencies: ["TRQParquet", "TRQFrame"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TRQPlotTests", dependencies: ["TRQPlot", "TestSupport"]),
        .testTarget(name: "TRQEngineTests", dependencies: ["TRQEngine", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatagenTests", dependencies: ["trq-datagen", "TRQRandom", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["trq"]),
        .testTarget(name: "TRQArrowTests", dependencies: ["TRQArrow", "TRQFrame"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TRQSparkTests", dependencies: ["TRQSpark", "TRQEngine", "TRQFrame", "TRQModels", "TestSupport"]),
    ]
)

