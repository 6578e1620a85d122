// `ricci corpus FILE`: every case of a corpus file, one JSON line each, then a summary.

import Foundation

enum CorpusCommand {
    /// Runs every case of the file; exits 0 only when every case passed (3 otherwise).
    static func run(file: String) throws -> CommandResult {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CorpusError(message: "cannot read \(file): \(error.localizedDescription)")
        }
        let cases: [CorpusCase]
        do {
            cases = try CorpusCase.cases(fromJSON: data)
        } catch let error as RicciError {
            throw error
        } catch {
            throw CorpusError(message: "\(file) is not JSON: \(error.localizedDescription)")
        }
        var lines: [String] = []
        var failed = 0
        for corpusCase in cases {
            let outcome = CorpusRunner.run(corpusCase)
            if !outcome.passed { failed += 1 }
            lines.append(outcome.json.text)
        }
        lines.append("\(cases.count - failed) passed, \(failed) failed")
        return CommandResult(output: lines.joined(separator: "\n") + "\n", error: "", status: failed == 0 ? 0 : 3)
    }
}
