// The command-line arguments of ricci-bench.

/// What a run measures and how it reports, from the command line.
struct Options {
    /// The corpus files (`--corpus`, repeatable), empty for the package's two public fixtures.
    var corpora: [String] = []
    /// One JSON object on standard output instead of the tables.
    var json = false
    /// The most timed repetitions per case and per family size. 100 repetitions of a
    /// corpus case take milliseconds; the time budget stops large family sizes much earlier.
    var repetitions = 100
    /// The time after which no new repetition starts once the fewest (5) are done; `nil`
    /// (`--budget 0`) for none, so that a run under callgrind makes exactly `repetitions`.
    var budget: Duration? = .milliseconds(500)
    /// The largest family size (sizes are 1, 2, 4, … up to it); 64 gives time(64)/time(8).
    var maximumSize = 64
    /// Only the corpus cases with these ids, `nil` for all (an empty set for none).
    var only: Set<String>?
    /// The families to run by name, `nil` for all (an empty set for none).
    var families: Set<String>?

    /// The help text.
    static let usage = """
        usage: ricci-bench [--corpus FILE]... [--json] [--repetitions N] [--budget SECONDS] [--max-size N]
                           [--only ID,...|none] [--families NAME,...|none]

          --corpus FILE      a corpus file, repeatable (default: the package's public-corpus.json and
                             public2-corpus.json in Tests/RicciTests/Fixtures/)
          --json             print one JSON object instead of tables
          --repetitions N    at most N timed repetitions per case and size (default 100)
          --budget SECONDS   no new repetition starts after SECONDS per case and size once 5 are
                             done (default 0.5; 0 for no limit: exactly N repetitions)
          --max-size N       family sizes 1, 2, 4, ... up to N (default 64)
          --only ID,...      only these corpus cases, or none
          --families LIST    only these families (\(ScalingFamily.all.map(\.name).joined(separator: ", "))), or none

        Build in release mode: swift run -c release ricci-bench
        Exit status: 0 every check passed, 1 bad usage, 2 unreadable corpus, 3 a check failed.
        """

    /// Parses the arguments (without the program name).
    init(arguments: [String]) throws {
        var remaining = arguments[...]
        func value(of option: String) throws -> String {
            guard let next = remaining.popFirst() else { throw BenchmarkError.usage("\(option) needs a value") }
            return next
        }
        func positive(_ option: String) throws -> Int {
            let text = try value(of: option)
            guard let number = Int(text), number > 0 else {
                throw BenchmarkError.usage("\(option) needs a positive integer, not '\(text)'")
            }
            return number
        }
        func list(_ text: String) -> Set<String> {
            Set(text.split(separator: ",").map { String($0) })
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": corpora.append(try value(of: argument))
            case "--json": json = true
            case "--repetitions": repetitions = try positive(argument)
            case "--budget":
                let text = try value(of: argument)
                guard let seconds = Double(text), seconds >= 0 else {
                    throw BenchmarkError.usage("--budget needs a number of seconds, not '\(text)'")
                }
                budget = seconds == 0 ? nil : .milliseconds(Int64((seconds * 1000).rounded()))
            case "--max-size": maximumSize = try positive(argument)
            case "--only":
                let text = try value(of: argument)
                only = text == "none" ? [] : list(text)
            case "--families":
                let text = try value(of: argument)
                let names = text == "none" ? [] : list(text)
                let known = Set(ScalingFamily.all.map(\.name))
                if let unknown = names.subtracting(known).sorted().first {
                    throw BenchmarkError.usage("unknown family '\(unknown)'; the families are \(known.sorted().joined(separator: ", "))")
                }
                families = names
            case "--help", "-h": throw BenchmarkError.help
            default: throw BenchmarkError.usage("unknown argument '\(argument)'")
            }
        }
    }
}

/// What stops a run before it measures anything.
enum BenchmarkError: Error, CustomStringConvertible {
    /// `--help`: print the usage, exit 0.
    case help
    /// Bad arguments (exit status 1).
    case usage(String)
    /// A corpus file that cannot be read or is not in the corpus format (exit status 2).
    case unreadable(String)

    var description: String {
        switch self {
        case .help: return Options.usage
        case .usage(let message), .unreadable(let message): return message
        }
    }

    /// The exit status.
    var status: Int32 {
        switch self {
        case .help: return 0
        case .usage: return 1
        case .unreadable: return 2
        }
    }
}
