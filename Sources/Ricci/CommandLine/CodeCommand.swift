// `ricci code`: a Python module that computes the derivative and checks it.

enum CodeCommand {
    /// Parses, checks and differentiates the expression by each `--wrt` in turn, verifies the
    /// result (refusing one that fails, as `ricci diff` does) and prints the module for
    /// `--lang` (NumPy by default).
    static func run(_ options: Options) throws -> CommandResult {
        let text = try options.single("expression")
        guard !options.wrt.isEmpty else {
            throw UsageError("missing --wrt VARIABLE: the variable to differentiate with respect to")
        }
        let checked = try CheckedExpression(parsing: text, declarations: try options.declarations())
        let derivative = try Ricci.derivative(of: checked, withRespectTo: options.wrt)
        if derivative.verify().verdict == .failed {
            throw DifferentiationError(because: "its result failed verification; this is a bug in Ricci")
        }
        return CommandResult(output: derivative.pythonModule(language: options.language), error: "", status: 0)
    }
}
