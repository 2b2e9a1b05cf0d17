import Foundation

/// ../shared/data relative to the repository root, or nil when absent (tests then skip).
func sharedData(_ relative: String) -> String? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(relative).path
    return FileManager.default.fileExists(atPath: path) ? path : nil
}

func approx(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }
