#if Spark
import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import TRQArrow
import TRQEngine
import TRQFrame
import TRQLanguage

/// `sc://HOST[:PORT][/;param=value...]`, Spark Connect's URL (15002 by default).
package struct SparkURL: Equatable, Sendable {
    package var host: String
    package var port: Int

    package init(_ text: String) throws(Diagnostic) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.count >= 2, rest.first == "\"", rest.last == "\"" { rest = rest.dropFirst().dropLast() }
        let url = String(rest)
        guard rest.hasPrefix("sc://") else {
            throw Diagnostic("not a Spark Connect URL: '\(url)'", at: nil, kind: .bind, hint: "write it as sc://HOST:PORT, e.g. sc://127.0.0.1:15002")
        }
        rest = rest.dropFirst(5)
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard !rest.isEmpty, parts.count <= 2, !parts[0].isEmpty else {
            throw Diagnostic("not a Spark Connect URL: '\(url)'", at: nil, kind: .bind, hint: "write it as sc://HOST:PORT, e.g. sc://127.0.0.1:15002")
        }
        host = String(parts[0])
        if parts.count == 2 {
            guard let p = Int(parts[1]), (1...65535).contains(p) else {
                throw Diagnostic("bad port '\(parts[1])' in '\(url)'", at: nil, kind: .bind, hint: "a port is 1 to 65535; Spark Connect listens on 15002 by default")
            }
            port = p
        } else {
            port = 15002
        }
    }

    package var text: String { "sc://\(host):\(port)" }
}

/// Runs plans on a Spark Connect server: compiles them (`SparkCompiler`), sends ExecutePlan and
/// reads the Arrow batches back into a table. One gRPC connection and one Spark session per
/// `.connect`; Ctrl-C interrupts the running operation (Connect's Interrupt).
package final class SparkExecutor: PlanExecutor, @unchecked Sendable {
    package let url: SparkURL
    package var name: String { "spark (\(url.text))" }
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let service: Spark_Connect_SparkConnectService.Client<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, any Error>
    let sessionID = UUID().uuidString.lowercased()
    /// The most rows a result may bring into this process; a larger one is refused with its count.
    package let maxRows: Int
    private var user: Spark_Connect_UserContext {
        var u = Spark_Connect_UserContext()
        u.userID = ProcessInfo.processInfo.environment["USER"] ?? "trq"
        return u
    }

    /// Connects and checks that the server answers: the session's time zone is set to UTC, as
    /// trq's timestamps are.
    package init(_ urlText: String, at: SourceLocation?, maxRows: Int = 20_000_000) throws(Diagnostic) {
        self.maxRows = maxRows
        var parsed: SparkURL
        do { parsed = try SparkURL(urlText) } catch { throw Diagnostic(error.message, at: at, kind: error.kind, hint: error.hint) }
        url = parsed
        do {
            client = GRPCClient(transport: try HTTP2ClientTransport.Posix(
                target: .dns(host: parsed.host, port: parsed.port), transportSecurity: .plaintext,
                config: .defaults { $0.connection.maxIdleTime = nil }))
        } catch {
            throw Diagnostic("cannot open a connection to \(parsed.text): \(error)", at: at, kind: .io)
        }
        service = Spark_Connect_SparkConnectService.Client(wrapping: client)
        let client = self.client
        connections = Task { try await client.runConnections() }
        do {
            try setConfig(["spark.sql.session.timeZone": "UTC"], timeout: .seconds(20))
        } catch {
            close()
            throw Diagnostic("cannot reach Spark Connect at \(parsed.text): \(Self.describe(error))", at: at, kind: .io,
                             hint: "check that the server is running and listening there (it logs 'Spark Connect server started'), and the host and port")
        }
    }

    package func close() {
        client.beginGracefulShutdown()
        connections.cancel()
    }

    private func setConfig(_ pairs: [String: String], timeout: Duration) throws {
        var request = Spark_Connect_ConfigRequest()
        request.sessionID = sessionID
        request.userContext = user
        request.clientType = "trq"
        var set = Spark_Connect_ConfigRequest.Set()
        set.pairs = pairs.map { key, value in
            var kv = Spark_Connect_KeyValue()
            kv.key = key
            kv.value = value
            return kv
        }
        var operation = Spark_Connect_ConfigRequest.Operation()
        operation.set = set
        request.operation = operation
        var options = CallOptions.defaults
        options.timeout = timeout
        let (service, message, callOptions) = (self.service, request, options)
        _ = try blocking(cancel: nil) { try await service.config(message, options: callOptions) }
    }

    package func execute(_ plan: PlanNode, cancel: CancellationToken) throws(Diagnostic) -> Table {
        let relation = try SparkCompiler().relation(plan)
        return try locatingErrors(in: plan) { () throws(Diagnostic) in try run(relation, at: plan.location, cancel: cancel) }
    }

    /// Runs `body`; a Spark error is moved to the stage that causes it: the first node, from the
    /// source up, whose relation Spark's analyzer refuses (Spark answers for the whole plan).
    /// An error no analysis reproduces (one in the data) stays at the pipeline's end.
    private func locatingErrors<R>(in plan: PlanNode, _ body: () throws(Diagnostic) -> R) throws(Diagnostic) -> R {
        do { return try body() } catch where error.kind == .runtime {
            var chain: [PlanNode] = []
            var node: PlanNode? = plan
            while let n = node {
                chain.append(n)
                node = n.input
            }
            for n in chain.reversed() {
                guard let relation = try? SparkCompiler().relation(n), let refused = analysisError(relation) else { continue }
                // Spark's message, without the plan it prints after it (its own names, not trq's).
                throw Diagnostic("Spark: \(refused.prefix { $0 != "\n" })", at: n.location, kind: .bind, hint: error.hint)
            }
            throw error
        }
    }

    /// Spark's analysis error for a relation, nil when it analyzes.
    private func analysisError(_ relation: Spark_Connect_Relation) -> String? {
        do {
            _ = try analyze(relation)
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    /// The relation's schema as Spark's analyzer resolves it (AnalyzePlan), nothing run.
    private func analyze(_ relation: Spark_Connect_Relation) throws -> Spark_Connect_DataType {
        var request = Spark_Connect_AnalyzePlanRequest()
        request.sessionID = sessionID
        request.userContext = user
        request.clientType = "trq"
        var schema = Spark_Connect_AnalyzePlanRequest.Schema()
        schema.plan.root = relation
        request.schema = schema
        let (service, message) = (self.service, request)
        return try blocking(cancel: nil) { try await service.analyzePlan(message).schema.schema }
    }

    /// Sends a relation and reads its result.
    package func run(_ relation: Spark_Connect_Relation, at: SourceLocation?, cancel: CancellationToken) throws(Diagnostic) -> Table {
        var p = Spark_Connect_Plan()
        p.root = relation
        guard let batches = try send(p, at: at, cancel: cancel)?.batches else { throw try tooLarge(relation, at: at, cancel: cancel) }
        var reader = ArrowTableReader()
        do {
            for batch in batches { try reader.append(stream: [UInt8](batch)) }
            return try reader.table()
        } catch {
            throw Diagnostic("Spark's result could not be read: \(error.message)", at: at, kind: .runtime)
        }
    }

    /// `save` on the cluster: a WriteOperation into Spark's folder of part files at the path as
    /// Spark sees it, the format by extension.
    package func save(_ plan: PlanNode, to path: String, options: [Option], at: SourceLocation, cancel: CancellationToken) throws(Diagnostic) -> Bool {
        let saving = try SaveOptions(options, path: path)
        var write = Spark_Connect_WriteOperation()
        let lowered = path.lowercased()
        if lowered.hasSuffix(".csv") || lowered.hasSuffix(".tsv") {
            write.source = "csv"
            write.options = ["header": "true", "sep": lowered.hasSuffix(".tsv") ? "\t" : ","]
        } else if lowered.hasSuffix(".ndjson") || lowered.hasSuffix(".jsonl") {
            write.source = "json"
        } else if lowered.hasSuffix(".parquet") {
            write.source = "parquet"
            write.options = ["compression": saving.compressionName]
        } else {
            let json = lowered.hasSuffix(".json")
            throw Diagnostic("Spark cannot write \"\(path)\"\(json ? " as one JSON array (it writes one object per line)" : ""); it writes .csv, .tsv, .ndjson and .parquet",
                             at: at, kind: .bind, hint: json ? "save it as .ndjson, or locally (.disconnect)" : "use one of those extensions, or save locally (.disconnect)")
        }
        write.input = try SparkCompiler().relation(plan)
        let target = SparkCompiler.clusterPath(path)
        write.path = target
        write.mode = saving.overwrite ? .overwrite : .errorIfExists
        var command = Spark_Connect_Command()
        command.writeOperation = write
        var p = Spark_Connect_Plan()
        p.command = command
        do { _ = try locatingErrors(in: plan) { () throws(Diagnostic) in try send(p, at: at, cancel: cancel) } } catch where error.message.contains("PATH_ALREADY_EXISTS") {
            throw Diagnostic("'\(target)' exists already", at: at, kind: .io, hint: "remove it, or save with overwrite = true to replace it")
        }
        return true
    }

    /// Runs an ML command (Fit, Fetch) and returns Spark's answer: a fitted model's reference or
    /// a fetched value.
    func run(_ command: Spark_Connect_MlCommand, at: SourceLocation?, cancel: CancellationToken) throws(Diagnostic) -> Spark_Connect_MlCommandResult {
        let p = Spark_Connect_Plan.with { $0.command = .with { $0.mlCommand = command } }
        guard let result = try send(p, at: at, cancel: cancel)?.ml else {
            throw Diagnostic("Spark did not answer the ML command", at: at, kind: .runtime)
        }
        return result
    }

    /// Computes a relation once and keeps it on the cluster for the session (a local
    /// checkpoint), so that the work of fitting a model reads it instead of recomputing it.
    func checkpoint(_ relation: Spark_Connect_Relation, at: SourceLocation?, cancel: CancellationToken) throws(Diagnostic) -> Spark_Connect_Relation {
        let p = Spark_Connect_Plan.with { $0.command = .with { $0.checkpointCommand = .with { $0.relation = relation; $0.local = true; $0.eager = true } } }
        guard let id = try send(p, at: at, cancel: cancel)?.cached else {
            throw Diagnostic("Spark did not answer the checkpoint", at: at, kind: .runtime)
        }
        return .with { $0.cachedRemoteRelation = .with { $0.relationID = id } }
    }

    /// What Spark answers a plan: its result's Arrow batches, an ML command's result, a
    /// checkpoint's cached relation.
    private struct Answer: Sendable {
        var batches: [Data] = []
        var ml: Spark_Connect_MlCommandResult?
        var cached: String?
    }

    /// Sends a plan and returns Spark's answer, or nil once the batches pass `maxRows` (the
    /// operation is then interrupted).
    private func send(_ plan: Spark_Connect_Plan, at: SourceLocation?, cancel: CancellationToken) throws(Diagnostic) -> Answer? {
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext = user
        request.clientType = "trq"
        let operationID = UUID().uuidString.lowercased()
        request.operationID = operationID
        request.plan = plan
        let (service, message, maxRows) = (self.service, request, maxRows)
        let batches: Answer?
        do {
            batches = try blocking(cancel: cancel, onCancel: { [weak self] in self?.interrupt(operationID) }) {
                try await service.executePlan(message) { response -> Answer? in
                    var answer = Answer()
                    var rows: Int64 = 0
                    for try await message in response.messages {
                        switch message.responseType {
                        case .arrowBatch(let batch)?:
                            rows += batch.rowCount
                            // Returning ends the call; the rest is counted on the cluster instead.
                            if rows > maxRows { return nil }
                            answer.batches.append(batch.data)
                        case .mlCommandResult(let result)?: answer.ml = result
                        case .checkpointCommandResult(let result)?: answer.cached = result.relation.relationID
                        default: continue
                        }
                    }
                    return answer
                }
            }
        } catch is CancellationError {
            throw Diagnostic("cancelled (Ctrl-C); Spark was asked to interrupt the operation", at: at, kind: .cancelled)
        } catch {
            throw Diagnostic("Spark: \(Self.describe(error))", at: at, kind: .runtime)
        }
        if batches == nil { interrupt(operationID) }
        return batches
    }

    /// Printing: the first rows (`SparkCompiler.head`), and the row count from Spark when more
    /// are left.
    package func preview(_ plan: PlanNode, rows: Int, cancel: CancellationToken) throws(Diagnostic) -> (head: Table, rowCount: Int)? {
        let compiler = SparkCompiler()
        let relation = try compiler.head(plan, rows: rows)
        let head = try locatingErrors(in: plan) { () throws(Diagnostic) in try run(relation, at: plan.location, cancel: cancel) }
        guard head.rowCount > rows else { return (head, head.rowCount) }
        return (head, try rowCount(try compiler.relation(plan), at: plan.location, cancel: cancel))
    }

    private func rowCount(_ relation: Spark_Connect_Relation, at: SourceLocation?, cancel: CancellationToken) throws(Diagnostic) -> Int {
        guard case .int(let n)? = try run(SparkCompiler().count(relation), at: at, cancel: cancel).columns.first?[0] else {
            throw Diagnostic("Spark did not answer a row count", at: at, kind: .runtime)
        }
        return Int(n)
    }

    /// The error for a result past `maxRows`, with its row count (counted by Spark).
    private func tooLarge(_ relation: Spark_Connect_Relation, at: SourceLocation?, cancel: CancellationToken) throws(Diagnostic) -> Diagnostic {
        let rows = try rowCount(relation, at: at, cancel: cancel)
        return Diagnostic("the result has \(rows) rows, more than the \(maxRows) trq brings back from Spark",
                          at: at, kind: .limit, hint: "aggregate, filter or `limit N` before it is printed or bound, or `save` it")
    }

    /// `load` reads on the cluster: the source's columns come from Spark's analysis of the Read
    /// (AnalyzePlan), so a path only the cluster sees (`hdfs:`, `s3a:`, its own disks) binds.
    package var loadSchema: ((RemoteSource, SourceLocation) throws(Diagnostic) -> [SourceColumn])? {
        { [self] (source, at) throws(Diagnostic) in try schema(of: source, at: at) }
    }

    private func schema(of source: RemoteSource, at: SourceLocation) throws(Diagnostic) -> [SourceColumn] {
        let read = try SparkCompiler().read(source, columns: 0, at: at)
        let answer: Spark_Connect_DataType
        do { answer = try analyze(read) } catch {
            throw Diagnostic("Spark cannot read \"\(source.pattern)\": \(Self.describe(error))", at: at, kind: .io,
                             hint: "the path is read by the Spark cluster, as it sees it")
        }
        let headerless = source.options["header"] == .bool(false)
        var columns: [SourceColumn] = []
        for (i, field) in answer.struct.fields.enumerated() {
            let name = headerless ? "column\(i + 1)" : field.name
            let type: DataType
            switch field.dataType.kind {
            case .long?, .integer?, .short?, .byte?: type = .int
            case .double?, .float?: type = .float
            case .boolean?: type = .bool
            case .string?, .char?, .varChar?: type = .string
            case .date?: type = .date
            case .timestamp?, .timestampNtz?: type = .timestamp
            default:
                throw Diagnostic("column '\(name)' of \"\(source.pattern)\" has a type trq does not read from Spark (\(field.dataType.kind.map { String("\($0)".prefix { $0 != "(" }) } ?? "unknown"))",
                                 at: at, kind: .type, hint: "load it locally (.disconnect), or write it without that column")
            }
            columns.append(SourceColumn(name: name, type: type))
        }
        return columns
    }

    /// Connect's Interrupt for one operation (Ctrl-C).
    private func interrupt(_ operationID: String) {
        var request = Spark_Connect_InterruptRequest()
        request.sessionID = sessionID
        request.userContext = user
        request.interruptType = .operationID
        request.operationID = operationID
        let (service, message) = (self.service, request)
        Task { _ = try? await service.interrupt(message) }
    }

    /// A gRPC error as a person reads it: Spark's own message when it sent one.
    static func describe(_ error: any Error) -> String {
        if let rpc = error as? RPCError {
            return rpc.code == .unavailable ? "the server is unavailable (\(rpc.message))" : rpc.message
        }
        return "\(error)"
    }
}

/// Runs async work to completion from synchronous code (the shell's statement loop), polling
/// `cancel` so that Ctrl-C stops it. The caller's thread blocks: it must not be one the work
/// needs (a cooperative-pool thread, when all of them block this way).
private func blocking<R: Sendable>(cancel: CancellationToken?, onCancel: @escaping @Sendable () -> Void = {},
                                   _ work: @escaping @Sendable () async throws -> R) throws -> R {
    let box = ResultBox<R>()
    let done = DispatchSemaphore(value: 0)
    let task = Task {
        do { box.set(.success(try await work())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    while done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
        if let cancel, cancel.isCancelled {
            onCancel()
            task.cancel()
            done.wait()
            throw CancellationError()
        }
    }
    return try box.get()
}

private final class ResultBox<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<R, any Error>?
    func set(_ r: Result<R, any Error>) { lock.withLock { result = r } }
    func get() throws -> R { try lock.withLock { result! }.get() }
}
#endif
