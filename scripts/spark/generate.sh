#!/usr/bin/env bash
# Regenerates Sources/TRQSpark/Generated from Spark Connect's .proto files, which ship inside
# pyspark's spark-connect jar (pip install pyspark==4.3.0). protoc is Debian's protobuf-compiler;
# the two plugins build from the mirrored grpc-swift-protobuf in a scratch folder outside the clone
# ($SPARK_BUILD, default /work/.spark-build), so later runs reuse that build.
# Every generated file is wrapped in `#if Spark`: a default build (no Spark trait) compiles
# TRQSpark empty and links none of gRPC.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${SPARK_BUILD:-/work/.spark-build}
command -v protoc >/dev/null || { sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo; $sudo apt-get install -y -qq protobuf-compiler >/dev/null; }
jar=$(python3 -c "import pyspark, os; print(os.path.join(os.path.dirname(pyspark.__file__), 'jars'))")/spark-connect_2.13-4.3.0.jar
[[ -f $jar ]] || { echo "missing $jar: pip install pyspark==4.3.0" >&2; exit 1; }
plugins=$scratch/src/grpc-swift-protobuf
if [[ ! -d $plugins ]]; then
    mkdir -p "$scratch/src"
    git clone -q https://github.com/grpc/grpc-swift-protobuf "$plugins"
    git -C "$plugins" checkout -q 2.4.1
fi
(cd "$plugins" && swift build --product protoc-gen-grpc-swift-2 >/dev/null && swift build --product protoc-gen-swift >/dev/null)
bin=$(cd "$plugins" && swift build --show-bin-path)
protos=$(mktemp -d)
trap 'rm -rf "$protos"' EXIT
unzip -q -o "$jar" 'spark/connect/*.proto' -d "$protos"
files=(base catalog commands common expressions ml ml_common pipelines relations types)
out=$PWD/Sources/TRQSpark/Generated
rm -rf "$out" && mkdir -p "$out"
(cd "$protos" && protoc --plugin=protoc-gen-swift="$bin/protoc-gen-swift" --swift_out="$out" --swift_opt=Visibility=Package \
    $(printf 'spark/connect/%s.proto ' "${files[@]}"))
# The service's client (ExecutePlan, AnalyzePlan, Interrupt ...) from base.proto.
(cd "$protos" && protoc --plugin=protoc-gen-grpc-swift="$bin/protoc-gen-grpc-swift-2" --grpc-swift_out="$out" \
    --grpc-swift_opt=Visibility=Package,Server=false spark/connect/base.proto)
for f in "$out"/spark/connect/*.swift; do
    { echo "#if Spark"; cat "$f"; echo "#endif"; } > "$out/$(basename "$f")"
done
rm -rf "$out/spark"
ls "$out"
