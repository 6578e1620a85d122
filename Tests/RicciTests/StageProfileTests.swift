// Stage timings: exclusive per stage, every stage of a derivation seen.

import Testing
@testable import Ricci

@Suite struct StageProfileTests {
    @Test func innerStagesAreNotCountedInOuterOnes() {
        let profile = StageProfile()
        let pause = Duration.milliseconds(30)
        profile.measure(.lift) {
            profile.measure(.simplify) {
                let clock = ContinuousClock()
                let start = clock.now
                while clock.now - start < pause {}
            }
        }
        #expect(profile.durations[.simplify]! >= pause)
        #expect(profile.durations[.lift]! < pause)
        profile.reset()
        #expect(profile.durations.isEmpty)
    }

    @Test func aDerivationVisitsEveryStage() throws {
        let profile = StageProfile()
        _ = try Ricci.derivative(of: "tr((X*W - Y)*(X*W - Y)') + norm2(W)^2", withRespectTo: "W", profile: profile)
        for stage in [PipelineStage.parse, .lower, .differentiate, .contract, .lift, .simplify] {
            #expect(profile.durations[stage, default: .zero] > .zero, "\(stage)")
        }
    }
}
