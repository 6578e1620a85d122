// ricci-bench: times the corpus and the scaling families, checks every result, reports.

import Foundation
import Ricci

/// Reads the arguments, runs the corpus and the families, prints the report, and exits with
/// 0 when every check passed, 3 when one failed (1 bad usage, 2 unreadable corpus).
func main() -> Int32 {
    let options: Options
    var corpora: [(path: String, cases: [CorpusCase])] = []
    do {
        options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
        let paths = options.corpora.isEmpty ? CorpusBenchmark.defaultCorpusPaths() : options.corpora
        guard let paths else {
            throw BenchmarkError.unreadable(
                "cannot find \(CorpusBenchmark.fixtures.joined(separator: " and ")) from the source checkout or the "
                    + "working directory; pass --corpus FILE")
        }
        var ids = Set<String>()
        for path in paths {
            let all = try CorpusBenchmark.load(path)
            ids.formUnion(all.map(\.id))
            corpora.append((path, options.only.map { wanted in all.filter { wanted.contains($0.id) } } ?? all))
        }
        if let wanted = options.only, let missing = wanted.subtracting(ids).sorted().first {
            throw BenchmarkError.usage("no case '\(missing)' in \(paths.joined(separator: " or "))")
        }
    } catch let error as BenchmarkError {
        switch error {
        case .help: print(Options.usage)
        case .usage: FileHandle.standardError.write(Data("ricci-bench: \(error)\n\(Options.usage)\n".utf8))
        case .unreadable: FileHandle.standardError.write(Data("ricci-bench: \(error)\n".utf8))
        }
        return error.status
    } catch {
        FileHandle.standardError.write(Data("ricci-bench: \(error)\n".utf8))
        return 2
    }

    let date = ISO8601DateFormatter().string(from: Date())
    // Progress goes to standard error, and only to a terminal, so that `--json` output stays
    // one object on stdout and logs stay free of control characters.
    let standardError = FileHandle.standardError
    let showsProgress = isatty(STDERR_FILENO) == 1
    func progress(_ step: String) {
        if showsProgress { standardError.write(Data("\r\u{1B}[K\(step)".utf8)) }
    }
    let policy = TimingPolicy(maximumRepetitions: options.repetitions, budget: options.budget)

    let caseResults = corpora.flatMap { CorpusBenchmark.run($0.cases, file: $0.path, policy: policy, progress: progress) }
    let corpusPeak = caseResults.isEmpty ? nil : PeakMemory.megabytes()
    let sizes = ScalingFamily.sizes(upTo: options.maximumSize)
    let familyResults = ScalingFamily.all
        .filter { options.families?.contains($0.name) ?? true }
        .map { FamilyBenchmark.run($0, sizes: sizes, policy: policy, progress: progress) }
    progress("")

    let report = RunReport(
        date: date, corpusPaths: corpora.map(\.path), repetitions: options.repetitions, cases: caseResults,
        families: familyResults, corpusPeakMegabytes: corpusPeak, peakMegabytes: PeakMemory.megabytes())
    print(options.json ? report.json.text : report.text, terminator: options.json ? "\n" : "")
    // Failures are also written to standard error, so that they are seen with --json too.
    for failure in report.failures { standardError.write(Data("ricci-bench: FAILED: \(failure)\n".utf8)) }
    return report.failures.isEmpty ? 0 : 3
}

exit(main())
