// The benchmark executable; run with `swift run -c release ricci-bench`.

import Ricci

print("ricci-bench \(Ricci.version)")
