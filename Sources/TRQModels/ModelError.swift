/// An error from model training, prediction, evaluation or deserialization. `message` names the
/// offending value (row, column, option) and suggests a fix; the engine adds the source location.
public struct ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
