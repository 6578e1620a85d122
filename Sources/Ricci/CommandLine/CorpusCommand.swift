// `ricci corpus FILE [--tag T]...`: every case of a corpus file, one JSON line each, then a summary.

import Foundation

enum CorpusCommand {
    /// Runs every case of the file (only those whose category, the first tag, is one of
    /// `tags` when tags are given); exits 0 only when every case run passed (3 otherwise).
    static func run(file: String, tags: [String] = []) throws -> CommandResult {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CorpusError(message: "cannot read \(file): \(error.localizedDescription)")
        }
        let cases: [CorpusCase]
        do {
            cases = try CorpusCase.cases(fromJSON: data)
        } catch let error as CorpusError {
            // file:line:column, as compilers write it.
            guard let line = error.line, let column = error.column else { throw error }
            throw CorpusError(message: "\(file):\(line):\(column): \(error.problem)")
        }
        let selected = tags.isEmpty ? cases : cases.filter { $0.tags.first.map(tags.contains) ?? false }
        guard !selected.isEmpty else {
            throw CorpusError(message: "no case of \(file) has the category \(tags.joined(separator: " or "))")
        }
        var lines: [String] = []
        var failed = 0
        for corpusCase in selected {
            let outcome = CorpusRunner.run(corpusCase)
            if !outcome.passed { failed += 1 }
            lines.append(outcome.json.text)
        }
        lines.append("\(selected.count - failed) passed, \(failed) failed")
        return CommandResult(output: lines.joined(separator: "\n") + "\n", error: "", status: failed == 0 ? 0 : 3)
    }
}
