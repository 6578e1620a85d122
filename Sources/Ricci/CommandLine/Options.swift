// The options of the `ricci` commands, read from the argument list.

import Foundation

/// The output notation of `ricci diff` and `ricci hessian`.
public enum OutputFormat: String, Sendable, CaseIterable {
    case pretty, plain, latex, mathml, index, numpy, json
}

/// The arguments of one command after the command name: positional arguments and options.
struct Options {
    var positional: [String] = []
    /// The variables of `--wrt`, in order: a derivative by each in turn.
    var wrt: [String] = []
    var variables: [String] = []
    var functions: [String] = []
    /// `--tag` of `ricci corpus`: the categories of cases to run.
    var tags: [String] = []
    var format = OutputFormat.pretty
    /// `--lang` of `ricci code`.
    var language = CodeLanguage.numpy
    var verify = false
    var steps = false
    /// `--host` and `--port` of `ricci serve`.
    var host = "127.0.0.1"
    var port: UInt16 = 8413

    /// Reads `arguments`. An argument starting with `--` is an option (`--wrt x` or
    /// `--wrt=x`; a switch such as `--verify` takes no value); anything else, including an
    /// expression that starts with a single `-` such as `-sum(x)`, is positional. `--` makes
    /// the argument after it positional whatever it starts with, so that an expression
    /// beginning with `--` can be given (`ricci diff -- --(x'*x) --wrt x`); the options
    /// after it are read as usual.
    init(_ arguments: [String], allowed: Set<String>) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                positional.append(argument)
                continue
            }
            if argument == "--" {
                guard let next = remaining.popFirst() else {
                    throw UsageError("-- must be followed by the argument it marks as an expression")
                }
                positional.append(next)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard allowed.contains(name) else {
                // `--(x'*x)` is an expression that starts with two signs, not a misspelt option.
                if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                    throw UsageError(
                        "\(argument) is read as an option because it starts with --; to give it as an expression, "
                            + "put -- before it: -- \(Self.shellQuoted(argument))")
                }
                throw UsageError("unknown option --\(name) (see ricci --help)")
            }
            if Self.switches.contains(name), let inlineValue {
                throw UsageError("--\(name) takes no value (found --\(name)=\(inlineValue)): give --\(name) or leave it out")
            }
            func value() throws -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw UsageError("--\(name) needs a value") }
                return next
            }
            switch name {
            case "wrt": wrt.append(try value())
            case "var": variables.append(try value())
            case "func": functions.append(try value())
            case "tag": tags.append(try value())
            case "format": format = try Self.choice(try value(), named: "format")
            case "lang": language = try Self.choice(try value(), named: "language")
            case "host": host = try value()
            case "port":
                let text = try value()
                guard let number = UInt16(text) else {
                    throw UsageError("--port needs a port number from 0 to 65535 (0: a free one), not \(text)")
                }
                port = number
            case "verify": verify = true
            case "steps": steps = true
            default: throw UsageError("unknown option --\(name) (see ricci --help)")
            }
        }
    }

    /// The case of `Choice` spelled `text`, or a usage error that lists the spellings.
    static func choice<Choice: RawRepresentable & CaseIterable>(_ text: String, named what: String) throws -> Choice
    where Choice.RawValue == String {
        guard let chosen = Choice(rawValue: text) else {
            throw UsageError("unknown \(what) \(text): use one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return chosen
    }

    /// The options that are switches: present or absent, never given a value.
    static let switches: Set<String> = ["verify", "steps"]

    /// `text` quoted for a POSIX shell: `'--(x'\''*x)'`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The one positional argument a command takes, named `what` in the error.
    func single(_ what: String) throws -> String {
        guard positional.count == 1 else {
            throw UsageError(positional.isEmpty ? "missing \(what)" : "expected one \(what), got \(positional.count) arguments")
        }
        return positional[0]
    }

    /// Throws unless there are no positional arguments (`ricci demo`, `ricci functions`).
    func requireNoArguments(of command: String) throws {
        guard positional.isEmpty else { throw UsageError("ricci \(command) takes no arguments") }
    }

    /// The declarations given with `--var` and `--func`.
    func declarations() throws -> Declarations {
        try Declarations(parsingVariables: variables, functions: functions)
    }
}
