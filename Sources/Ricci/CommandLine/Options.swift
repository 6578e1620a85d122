// The options of the `ricci` commands, read from the argument list.

/// The output notation of `ricci diff` and `ricci hessian`.
public enum OutputFormat: String, Sendable, CaseIterable {
    case pretty, plain, latex, index, numpy, json
}

/// The arguments of one command after the command name: positional arguments and options.
struct Options {
    var positional: [String] = []
    var wrt: String?
    var variables: [String] = []
    var functions: [String] = []
    var format = OutputFormat.pretty
    var verify = false
    var steps = false

    /// Reads `arguments`. An argument starting with `--` is an option (`--wrt x` or
    /// `--wrt=x`); anything else, including an expression that starts with a single `-`
    /// such as `-sum(x)`, is positional; after `--` everything is positional.
    init(_ arguments: [String], allowed: Set<String>) throws {
        var remaining = arguments[...]
        var onlyPositional = false
        while let argument = remaining.popFirst() {
            guard !onlyPositional, argument.hasPrefix("--") else {
                positional.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositional = true
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard allowed.contains(name) else {
                throw UsageError("unknown option --\(name) (see ricci --help)")
            }
            func value() throws -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw UsageError("--\(name) needs a value") }
                return next
            }
            switch name {
            case "wrt": wrt = try value()
            case "var": variables.append(try value())
            case "func": functions.append(try value())
            case "format":
                let text = try value()
                guard let format = OutputFormat(rawValue: text) else {
                    throw UsageError(
                        "unknown format \(text): use one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                self.format = format
            case "verify": verify = true
            case "steps": steps = true
            default: throw UsageError("unknown option --\(name) (see ricci --help)")
            }
        }
    }

    /// The one positional argument a command takes, named `what` in the error.
    func single(_ what: String) throws -> String {
        guard positional.count == 1 else {
            throw UsageError(positional.isEmpty ? "missing \(what)" : "expected one \(what), got \(positional.count) arguments")
        }
        return positional[0]
    }

    /// The declarations given with `--var` and `--func`.
    func declarations() throws -> Declarations {
        try Declarations(parsingVariables: variables, functions: functions)
    }
}
