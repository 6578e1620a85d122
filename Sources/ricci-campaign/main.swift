// `ricci-campaign`: seeded random derivatives through the command line, every answer checked.

import Foundation
import Ricci
import RicciCampaign

let usage = """
    usage: ricci-campaign [--seed S] [--count N] [--depth D] [--jobs J] [--timeout SECONDS] [--show K]
                          [--print-results]

      --seed S           the first seed (default 1); problem k uses seed S + k
      --count N          the number of problems (default 1000)
      --depth D          the deepest nesting of operators (default 8)
      --jobs J           problems run at once (default: the number of processors)
      --timeout SECONDS  a problem still running after this long is a hang (default 60)
      --show K           the K smallest failures and slowest cases in the report (default 5)
      --print-results    one line per problem (seed, outcome, what was printed, the command), in seed order,
                         instead of the report: two runs of the same seeds must print the same

    Every answer is checked against central differences of the evaluator; every refusal is
    sorted into unsupported constructs and bugs. Exit status 0 when no answer is wrong and no
    refusal or rejection is a bug, 1 for bad usage, 3 otherwise, 4 for a hang.

    """

/// The options, read strictly: an unknown option or a bad value is a usage error.
struct CampaignOptions {
    var seed: UInt64 = 1
    var count = 1000
    var depth = 8
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    var timeout = 60.0
    var printResults = false
    var shown = 5

    init(_ arguments: [String]) throws {
        var remaining = arguments[...]
        func value(_ name: String) throws -> String {
            guard let next = remaining.popFirst() else { throw UsageError("\(name) needs a value") }
            return next
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--seed": seed = try number(try value(argument), argument)
            case "--count": count = try number(try value(argument), argument)
            case "--depth": depth = try number(try value(argument), argument)
            case "--jobs": jobs = max(1, try number(try value(argument), argument))
            case "--timeout":
                guard let seconds = Double(try value(argument)), seconds > 0 else { throw UsageError("--timeout needs a positive number") }
                timeout = seconds
            case "--print-results": printResults = true
            case "--show": shown = try number(try value(argument), argument)
            case "--help", "-h":
                print(usage, terminator: "")
                exit(0)
            default: throw UsageError("unknown option \(argument)")
            }
        }
    }

    private func number<T: FixedWidthInteger>(_ text: String, _ name: String) throws -> T {
        guard let value = T(text), value >= 0 else { throw UsageError("\(name) needs a non-negative integer, not \(text)") }
        return value
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The problem each worker is running, for the watchdog and for a crash: a C buffer per
/// worker, written before each problem, read by the signal handler (which may only write).
final class RunningProblems: @unchecked Sendable {
    static let slotSize = 4096
    let slots: UnsafeMutablePointer<CChar>
    let lengths: UnsafeMutablePointer<Int>
    let starts: UnsafeMutablePointer<Double>
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count * Self.slotSize)
        lengths = .allocate(capacity: count)
        starts = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        starts.initialize(repeating: 0, count: count)
    }

    func set(_ worker: Int, _ text: String) {
        let bytes = Array(("ricci-campaign: running " + text + "\n").utf8.prefix(Self.slotSize))
        for (offset, byte) in bytes.enumerated() { slots[worker * Self.slotSize + offset] = CChar(bitPattern: byte) }
        lengths[worker] = bytes.count
        starts[worker] = Date().timeIntervalSince1970
    }

    func clear(_ worker: Int) { starts[worker] = 0 }

    /// Writes every running problem to standard error (async-signal-safe: `write` only).
    func dump() {
        for worker in 0..<count where lengths[worker] > 0 {
            _ = write(2, slots + worker * Self.slotSize, lengths[worker])
        }
    }
}

nonisolated(unsafe) var running: RunningProblems?

func crashed(_ signal: Int32) {
    running?.dump()
    let message = "ricci-campaign: the process crashed (signal \(signal)) on the problem above\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    _exit(5)
}

do {
    let options = try CampaignOptions(Array(CommandLine.arguments.dropFirst()))
    let slots = RunningProblems(count: options.jobs)
    running = slots
    for crash in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT] { signal(crash, crashed) }

    // The watchdog: a problem running longer than the timeout is a hang.
    let watchdog = Thread {
        while true {
            Thread.sleep(forTimeInterval: 1)
            let now = Date().timeIntervalSince1970
            for worker in 0..<slots.count where slots.starts[worker] > 0 && now - slots.starts[worker] > options.timeout {
                slots.dump()
                FileHandle.standardError.write(Data("ricci-campaign: a problem ran for more than \(options.timeout) s (a hang)\n".utf8))
                exit(4)
            }
        }
    }
    watchdog.start()

    let clock = ContinuousClock()
    let started = clock.now
    let results = UnsafeMutablePointer<CaseResult?>.allocate(capacity: options.count)
    results.initialize(repeating: nil, count: options.count)
    let next = NSLock()
    nonisolated(unsafe) var nextIndex = 0
    nonisolated(unsafe) let storage = results
    DispatchQueue.concurrentPerform(iterations: options.jobs) { worker in
        while true {
            next.lock()
            let index = nextIndex
            nextIndex += 1
            next.unlock()
            guard index < options.count else { break }
            let seed = options.seed &+ UInt64(index)
            let problem = ProblemGenerator.problem(seed: seed, depth: options.depth)
            slots.set(worker, "seed \(seed): " + problem.command)
            storage[index] = Campaign.run(problem)
            slots.clear(worker)
        }
    }
    let elapsed = clock.now - started
    var report = CampaignReport()
    for index in 0..<options.count { if let result = results[index] { report.add(result) } }
    if !options.printResults { report.retimeSlowOutliers() }
    if options.printResults {
        for result in report.results {
            print("\(result.problem.seed)\t\(result.outcome.label)\t\(result.printed)\t\(result.problem.command)")
        }
    } else {
        print("ricci-campaign: seeds \(options.seed)…\(options.seed &+ UInt64(max(0, options.count - 1))), depth \(options.depth), \(options.jobs) jobs, \(elapsed)")
        print(report.text(showing: options.shown))
    }
    exit(report.failures.isEmpty ? 0 : 3)
} catch {
    FileHandle.standardError.write(Data("ricci-campaign: \(error)\n\n\(usage)".utf8))
    exit(1)
}
