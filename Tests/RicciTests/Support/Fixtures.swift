// The corpus cases copied into the test fixtures, loaded once.

import class Foundation.Bundle
import struct Foundation.Data
@testable import Ricci

enum Fixtures {
    /// The 64 cases of the public corpus (`Fixtures/public-corpus.json`).
    static let publicCorpus: [CorpusCase] = {
        guard let url = Bundle.module.url(forResource: "public-corpus", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url), let cases = try? CorpusCase.cases(fromJSON: data)
        else { preconditionFailure("the public corpus fixture is missing or unreadable") }
        return cases
    }()

    /// The 42 cases of the second public corpus (`Fixtures/public2-corpus.json`): part 2 of
    /// the language, the vec convention, higher orders.
    static let secondCorpus: [CorpusCase] = {
        guard let url = Bundle.module.url(forResource: "public2-corpus", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url), let cases = try? CorpusCase.cases(fromJSON: data)
        else { preconditionFailure("the second public corpus fixture is missing or unreadable") }
        return cases
    }()

    /// The cases of the second corpus whose first tag is one of `categories`.
    static func secondCorpus(tagged categories: Set<String>) -> [CorpusCase] {
        secondCorpus.filter { $0.tags.first.map(categories.contains) ?? false }
    }

    /// The path of the public corpus fixture, for the command line.
    static var publicCorpusPath: String {
        Bundle.module.url(forResource: "public-corpus", withExtension: "json", subdirectory: "Fixtures")!.path
    }

    /// The public case with this id.
    static func publicCase(_ id: String) -> CorpusCase {
        guard let found = publicCorpus.first(where: { $0.id == id }) else { preconditionFailure("no case \(id)") }
        return found
    }

    /// The case with this id, from either public corpus.
    static func anyCase(_ id: String) -> CorpusCase {
        guard let found = (publicCorpus + secondCorpus).first(where: { $0.id == id }) else { preconditionFailure("no case \(id)") }
        return found
    }
}
