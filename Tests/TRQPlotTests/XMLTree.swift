import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document, to check SVG output with a real parser rather than string search.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [XMLNode] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }

    /// This node and all below it, in document order.
    var all: [XMLNode] { [self] + children.flatMap(\.all) }

    func elements(_ name: String, class className: String? = nil) -> [XMLNode] {
        all.filter { $0.name == name && (className == nil || $0.classes.contains(className!)) }
    }

    /// Text of this node and its descendants.
    var fullText: String { text + children.map(\.fullText).joined() }

    /// Parses `text`; nil when it is not well-formed.
    static func parse(_ text: String) -> XMLNode? {
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLNode(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
