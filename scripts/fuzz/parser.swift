// libFuzzer target for the trq lexer and parser; built by scripts/fuzz/run together with
// Sources/TRQLanguage/*.swift. Any crash, or a broken invariant below, stops the fuzzer and
// leaves the input under out/fuzz/crashes/.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    let text: String
    do {
        text = try decodeSource(bytes, file: "fuzz.trq")
    } catch {
        require(String(validating: body, as: UTF8.self) == nil, "decodeSource rejected valid UTF-8")
        requireInside(error.at, text: String(decoding: body, as: UTF8.self))
        return 0
    }
    require(text == String(decoding: body, as: UTF8.self), "decodeSource changed valid text")

    let incomplete = isIncomplete(text)
    do {
        let statements = try parse(text, variables: ["1": "5", "NAME": "x"])
        require(!incomplete, "isIncomplete is true for text that parses")
        for statement in statements {
            switch statement {
            case .bind(_, let pipeline, let at):
                requireInside(at, text: text)
                requireInside(pipeline.at, text: text)
                for stage in pipeline.stages { requireInside(stage.at, text: text) }
            case .run(let pipeline), .explain(let pipeline):
                requireInside(pipeline.at, text: text)
                for stage in pipeline.stages { requireInside(stage.at, text: text) }
            case .command(_, _, let at):
                requireInside(at, text: text)
            }
        }
    } catch {
        requireInside(error.at, text: text)
        _ = error.rendered(file: "fuzz.trq", source: text)
    }
    return 0
}

func require(_ condition: Bool, _ message: String) {
    if !condition { fatalError(message) }
}

/// A position must name a line of the text and a column at most one past its end.
func requireInside(_ location: SourceLocation?, text: String) {
    guard let location else { return }
    let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
    require(location.line >= 1 && location.line <= lines.count, "line \(location.line) outside the text")
    let length = lines[location.line - 1].count
    require(location.column >= 1 && location.column <= length + 1, "column \(location.column) outside line \(location.line)")
}
