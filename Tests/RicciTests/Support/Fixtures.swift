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

    /// The path of the public corpus fixture, for the command line.
    static var publicCorpusPath: String {
        Bundle.module.url(forResource: "public-corpus", withExtension: "json", subdirectory: "Fixtures")!.path
    }

    /// The public case with this id.
    static func publicCase(_ id: String) -> CorpusCase {
        guard let found = publicCorpus.first(where: { $0.id == id }) else { preconditionFailure("no case \(id)") }
        return found
    }
}
