// `ricci diff` and `ricci hessian`: a derivative in the notation asked for.

enum DiffCommand {
    /// Parses, checks and differentiates the expression, verifies the result (refusing to
    /// print one that fails), and prints it; `--verify` adds the verdict.
    static func run(_ options: Options, hessian: Bool) throws -> CommandResult {
        let text = try options.single("expression")
        guard let variable = options.wrt.first else {
            throw UsageError("missing --wrt VARIABLE: the variable to differentiate with respect to")
        }
        if hessian && options.wrt.count > 1 {
            throw UsageError(
                "ricci hessian takes one --wrt; for a derivative by several variables in turn, give each to ricci diff: "
                    + "ricci diff EXPR " + options.wrt.map { "--wrt \($0)" }.joined(separator: " "))
        }
        let declarations = try options.declarations()
        let checked = try CheckedExpression(parsing: text, declarations: declarations)
        let derivative = hessian
            ? try Ricci.hessian(of: checked, withRespectTo: variable, recordingSteps: options.steps)
            : try Ricci.derivative(of: checked, withRespectTo: options.wrt, recordingSteps: options.steps)
        // Every result is checked before it is shown: one that fails is a bug, never output.
        let verification = derivative.verify()
        func line(_ label: String, _ text: String) -> String {
            label + String(repeating: " ", count: max(1, 13 - label.count)) + text
        }
        if verification.verdict == .failed {
            let error = DifferentiationError(
                because: "its result failed verification (\(verification.detail)); this is a bug in Ricci")
            guard options.steps else { throw error }
            // The derivation that went wrong, for the report: on the error stream, never as output.
            let steps = derivative.steps.map { line($0.label, $0.text) }.joined(separator: "\n")
            return CommandResult(
                output: "", error: error.rendered(source: text) + "\n\nthe derivation that failed:\n" + steps + "\n",
                status: error.category.exitStatus)
        }
        var output: String
        switch options.format {
        case .pretty: output = derivative.pretty
        case .plain: output = derivative.plain ?? IndexPrinter.print(derivative.index)
        case .latex: output = derivative.latex ?? IndexPrinter.print(derivative.index)
        case .index: output = IndexPrinter.print(derivative.index)
        case .mathml: output = derivative.mathml
        case .numpy: output = derivative.numpy ?? IndexPrinter.print(derivative.index)
        case .json:
            var object = json(derivative, verification: verification.verdict.rawValue)
            if options.steps, case .object(let members) = object {
                object = .object(members + [("steps", .array(derivative.steps.map {
                    .object([("step", .string($0.label)), ("text", .string($0.text))])
                }))])
            }
            output = object.text
        }
        if options.steps && options.format != .json {
            // The derivation first, the answer in the chosen notation last.
            let lines = derivative.steps.map { line($0.label, $0.text) }
                + [line("verified", "\(verification.verdict.rawValue) (\(verification.detail))")]
            output = (lines + ["", output]).joined(separator: "\n")
        } else if options.verify && options.format != .json {
            output += "\nverified: \(verification.verdict.rawValue) (\(verification.detail))"
        }
        return CommandResult(output: output + "\n", error: "", status: 0)
    }

    /// The JSON object of `LANGUAGE.md`: `expr`, `wrt`, `shape` (of the matrix form when there
    /// is one), `index_shape` (one axis per index), `plain`, `index`, `pretty`, `latex`,
    /// `numpy`, `verified` (`passed`, `failed` or `skipped`).
    static func json(_ derivative: Derivative, verification: String?) -> JSONValue {
        .object([
            ("expr", .string(PlainPrinter.print(derivative.function))),
            // One variable as a string, several (a derivative by each in turn) as a list.
            ("wrt", derivative.kind == .higherOrder ? .array(derivative.variables.map { .string($0) })
                : .string(derivative.variable)),
            ("shape", shapeJSON(derivative.shape)),
            ("index_shape", shapeJSON(derivative.indexShape)),
            ("plain", .string(derivative.plain)),
            ("index", .string(IndexPrinter.print(derivative.index))),
            ("pretty", .string(derivative.pretty)),
            ("latex", .string(derivative.latex)),
            ("numpy", .string(derivative.numpy)),
            ("verified", .string(verification ?? "skipped")),
        ])
    }

    /// Dimensions as JSON: names as strings, literal sizes as integers.
    static func shapeJSON(_ dimensions: [Dimension]) -> JSONValue {
        .array(dimensions.map { dimension in
            switch dimension {
            case .fixed(let size): return .int(size)
            case .named(let name): return .string(name)
            case .product: return .string(dimension.description)
            }
        })
    }
}
