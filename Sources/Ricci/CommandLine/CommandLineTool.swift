import Foundation

// The `ricci` command: dispatch, help, and turning errors into messages and exit statuses.

/// What a command printed and its exit status.
public struct CommandResult: Sendable, Equatable {
    /// Text for standard output.
    public var output: String
    /// Text for standard error.
    public var error: String
    /// 0 success, 1 bad usage, 2 bad input, 3 a derivative Ricci cannot take.
    public var status: Int32
}

/// The `ricci` command line, as a function from arguments to output, so it is tested like
/// any other part of the library; the executable only forwards its arguments here.
public enum CommandLineTool {
    /// Runs `ricci` with `arguments` (without the program name).
    ///
    /// Long input (a sum of thousands of terms) makes trees as tall as it is long, which the
    /// passes walk recursively: it runs on a thread of its own with a stack of
    /// ``largeStackSize`` bytes.
    public static func run(_ arguments: [String]) -> CommandResult {
        let length = arguments.reduce(0) { $0 + $1.utf8.count }
        guard length > 4_000 else { return runHere(arguments) }
        return onLargeStack { runHere(arguments) }
    }

    /// The stack of the thread that runs long input: room for trees of
    /// ``Parser/maximumHeight`` levels in every pass.
    public static let largeStackSize = 1 << 30

    /// `body`'s result, computed on a new thread with a stack of ``largeStackSize`` bytes.
    static func onLargeStack(_ body: @escaping @Sendable () -> CommandResult) -> CommandResult {
        onLargeStack(computing: body) ?? CommandResult(output: "", error: "error: the command did not finish\n", status: 2)
    }

    /// `body`'s result, computed on a new thread with a stack of ``largeStackSize`` bytes.
    static func onLargeStack<Result: Sendable>(computing body: @escaping @Sendable () -> Result) -> Result? {
        let outcome = LargeStackOutcome<Result>()
        let thread = Thread {
            outcome.result = body()
            outcome.done.signal()
        }
        thread.stackSize = largeStackSize
        thread.start()
        outcome.done.wait()
        return outcome.result
    }

    /// `body`'s result, on a large stack when the input is longer than 4 000 bytes (as
    /// ``run(_:)`` does), on the calling thread otherwise.
    static func onLargeStackIfLong<Result: Sendable>(_ length: Int, _ body: @escaping @Sendable () -> Result) -> Result? {
        length > 4_000 ? onLargeStack(computing: body) : body()
    }

    /// ``run(_:)`` on the calling thread.
    static func runHere(_ arguments: [String]) -> CommandResult {
        guard let command = arguments.first else {
            return CommandResult(output: "", error: help, status: 1)
        }
        let rest = Array(arguments.dropFirst())
        var source: String?
        do {
            switch command {
            case "--help", "-h", "help":
                return CommandResult(output: help, error: "", status: 0)
            case "--version":
                return CommandResult(output: "ricci \(Ricci.version)\n", error: "", status: 0)
            case "functions":
                try Options(rest, allowed: []).requireNoArguments(of: command)
                return CommandResult(output: FunctionCatalog.text, error: "", status: 0)
            case _ where rest.contains("--help"):
                // `ricci diff --help`: the help, whatever else was given.
                return CommandResult(output: help, error: "", status: 0)
            case "diff", "hessian":
                let options = try Options(rest, allowed: ["wrt", "var", "func", "format", "verify", "steps"])
                source = options.positional.first
                return try DiffCommand.run(options, hessian: command == "hessian")
            case "code":
                let options = try Options(rest, allowed: ["wrt", "var", "func", "lang"])
                source = options.positional.first
                return try CodeCommand.run(options)
            case "show":
                let options = try Options(rest, allowed: ["var", "func"])
                source = options.positional.first
                return try ShowCommand.run(options)
            case "serve":
                return try ServeCommand.run(try Options(rest, allowed: ["host", "port"]))
            case "demo":
                try Options(rest, allowed: []).requireNoArguments(of: command)
                return DemoCommand.run()
            case "corpus":
                let options = try Options(rest, allowed: ["tag"])
                return try CorpusCommand.run(file: options.single("corpus file"), tags: options.tags)
            default:
                throw UsageError("unknown command '\(command)' (see ricci --help)")
            }
        } catch let error as RicciError {
            return CommandResult(output: "", error: error.rendered(source: source) + "\n", status: error.category.exitStatus)
        } catch {
            return CommandResult(output: "", error: "error: \(error)\n", status: 2)
        }
    }

    /// The text of `ricci --help`.
    public static let help = """
        ricci — symbolic matrix calculus: derivatives in matrix notation, verified

        usage:
          ricci diff EXPR --wrt VAR [--wrt VAR]... [--var DECL]... [--func DECL]... [--format F] [--verify] [--steps]
                                                    by each --wrt in turn: any order, mixed derivatives
          ricci hessian EXPR --wrt VAR [...]        second derivative of a scalar function
          ricci code EXPR --wrt VAR [--wrt VAR]... [--var DECL]... [--func DECL]... [--lang numpy|jax|torch]
                                                    a Python module: value_and_derivative, random_variables, check
          ricci show EXPR [--var DECL]... [--func DECL]...
                                                    the parsed expression, its shape, every variable
          ricci serve [--host H] [--port N]         a local page: type an expression, read its derivative
                                                    (127.0.0.1:8413 by default; --port 0 a free port)
          ricci demo                                the worked examples of the seed documents, verified
          ricci corpus FILE [--tag T]...            every case of a corpus file (of these categories), checked
          ricci functions                           every built-in function, one line each
          ricci --help | --version
          An expression that starts with -- follows a -- of its own: ricci diff -- '--(x'*x)' --wrt x

        declarations:
          --var X:m,k        an m×k matrix       --var a:m        a column vector
          --var c:           a scalar            --var S:n,n:spd  properties: symmetric, spd, diagonal
          --func sigma:elementwise               --func lambda:scalar
          Undeclared names are inferred: upper case a matrix, lower case a vector, Greek a scalar,
          unless the use says otherwise (x - mu makes mu a vector, n/2*logdet(S) + … n a scalar).

        language: + - * / .* ./ .^ ^ ' as in MATLAB; + - .* ./ max min broadcast as NumPy does
          (1 + exp(x), W*X + b, X - mu'); X^k is a matrix power, s^t a power by a scalar expression.

        \(FunctionCatalog.text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

        formats: pretty (default), plain, latex, mathml, index, numpy, json
        Every result is verified against the element-wise expansion and finite differences
        before it is printed; --verify also prints the verdict, --steps the whole derivation.

        example:
          ricci diff "norm2(A*x - b)^2" --wrt x      prints  2 Aᵀ(A x − b)

        exit status: 0 success, 1 bad usage, 2 bad input, 3 a derivative Ricci cannot take

        """
}

/// The result of a computation on another thread, and the signal that it is there.
private final class LargeStackOutcome<Result>: @unchecked Sendable {
    var result: Result?
    let done = DispatchSemaphore(value: 0)
}
