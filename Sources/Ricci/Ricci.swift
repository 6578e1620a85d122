// The library's front door: version and the one-call API.

/// Ricci, a symbolic matrix-calculus differentiator.
public enum Ricci {
    /// The version printed by `ricci --version`.
    public static let version = "0.1.0"
}
