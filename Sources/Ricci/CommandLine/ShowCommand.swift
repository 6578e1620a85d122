// `ricci show`: the parsed expression, its shape, and every variable's kind and shape.

enum ShowCommand {
    /// Prints the expression as parsed (plain and pretty), its shape, and a table of the
    /// variables with their kinds, shapes, properties and whether they were declared.
    static func run(_ options: Options) throws -> CommandResult {
        let checked = try CheckedExpression(parsing: options.single("expression"), declarations: options.declarations())
        var lines = [
            "expression  \(PlainPrinter.print(checked.expression))",
            "pretty      \(PrettyPrinter.print(checked.expression))",
            "shape       \(describe(checked.shape))",
            "variables",
        ]
        let variables = checked.environment.variables.values.sorted { $0.name < $1.name }
        let width = variables.map(\.name.count).max() ?? 0
        for variable in variables {
            var line = "  " + variable.name.padding(toLength: width, withPad: " ", startingAt: 0)
            line += "  " + describe(variable.shape)
            if let property = variable.property { line += ", \(property.rawValue)" }
            line += variable.isDeclared ? "" : " (inferred)"
            lines.append(line)
        }
        let functions = checked.environment.functions.sorted { $0.key < $1.key }
        if !functions.isEmpty {
            lines.append("functions")
            for (name, kind) in functions { lines.append("  \(name)  \(kind.rawValue)") }
        }
        return CommandResult(output: lines.joined(separator: "\n") + "\n", error: "", status: 0)
    }

    /// `matrix m×n`, `vector n`, `row vector 1×n`, `scalar`.
    static func describe(_ shape: Shape) -> String {
        shape.kind == .scalar ? "scalar" : "\(shape.kind.rawValue) \(shape)"
    }
}
