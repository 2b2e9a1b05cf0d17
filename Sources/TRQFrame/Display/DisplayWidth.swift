// Terminal column widths of text, so box borders line up for CJK, emoji and combining marks.
// A grapheme cluster takes the width of its first scalar (combining marks, joiners and
// variation selectors after it take none), or 2 when it asks for emoji presentation (U+FE0F).

/// Terminal columns taken by one scalar on its own: 0, 1 or 2.
public func displayWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x300 { return v < 0x20 || (v >= 0x7F && v < 0xA0) ? 0 : 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if isWide(v) || scalar.properties.isEmojiPresentation { return 2 }
    return 1
}

/// Terminal columns taken by one grapheme cluster.
public func displayWidth(_ character: Character) -> Int {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if scalars.count > 1, scalars.contains("\u{FE0F}") { return 2 }
    return displayWidth(first)
}

/// Terminal columns taken by `text`.
public func displayWidth(_ text: some StringProtocol) -> Int {
    var width = 0
    for c in text {
        // ASCII-only clusters are one scalar of width 1 (CR LF aside); skip the property lookups.
        if let ascii = c.asciiValue, ascii >= 0x20, ascii < 0x7F { width &+= 1 } else { width &+= displayWidth(c) }
    }
    return width
}

/// East Asian Wide and Fullwidth blocks (Unicode 15, UAX #11), the ranges that matter in practice.
private func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
         0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
         0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
         0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return true
    default:
        return false
    }
}

/// `text` cut to at most `width` columns, ending in `…` when something was cut.
public func truncated(_ text: String, toWidth width: Int) -> String {
    if displayWidth(text) <= width { return text }
    guard width > 0 else { return "" }
    var result = ""
    var used = 0
    for c in text {
        let w = displayWidth(c)
        if used &+ w > width &- 1 { break }
        result.append(c)
        used &+= w
    }
    return result + "…"
}
