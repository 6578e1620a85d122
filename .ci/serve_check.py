#!/usr/bin/env python3
"""ricci serve, checked from outside: a burst of requests and a real browser.

usage: serve_check.py RICCI SCREENSHOT.png

Starts `RICCI serve --port 0`, sends 1000 requests to POST /api/derivative, 50 at a time
(every one must be answered 200 with the derivative `ricci diff` prints), then loads the page
in headless Chromium with the seed loss in its query, waits for the page's script to ask the
server, and checks the rendered DOM: the MathML answer, the plain text, the LaTeX, the
verdict; then a link that declares a variable (an spd S, whose logdet's gradient is inv(S),
not inv(S)'), and a bad expression, whose error must be shown with its place marked. Saves a
screenshot of the answer. Exits non-zero on any failure.
"""

import concurrent.futures
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

SEED_LOSS = "0.5*norm2(A'*(J + R)'*(J + R)*A - D)^2 + 0.5*lambda*norm2(R)^2"


def post(url, body):
    request = urllib.request.Request(url + "api/derivative", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    sys.exit("serve_check: no Chromium on the PATH")


def browse(url, *options):
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--virtual-time-budget=15000", *options, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120).stdout


def main():
    ricci, screenshot = sys.argv[1], sys.argv[2]
    server = subprocess.Popen([ricci, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    failures = []
    try:
        line = server.stdout.readline().strip()
        if not line.startswith("Ricci at http://127.0.0.1:"):
            sys.exit(f"serve_check: unexpected first line {line!r}")
        url = line.split(" at ", 1)[1]
        print(line)

        # The burst: 1000 requests, 50 at a time.
        cases = [("norm2(A*x - b)^2", "x"), ("tr(X*A*X')", "X"), (SEED_LOSS, "R"), ("logsumexp(W*x)", "x")]
        expected = {expr: subprocess.run([ricci, "diff", expr, "--wrt", wrt, "--format", "plain"],
                                         capture_output=True, text=True).stdout.strip() for expr, wrt in cases}

        def one(number):
            expr, wrt = cases[number % len(cases)]
            status, answer = post(url, {"expr": expr, "wrt": [wrt]})
            return status == 200 and answer.get("plain") == expected[expr] and answer.get("verified") == "passed"

        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(one, range(1000)))
        print(f"burst: {sum(results)} of {len(results)} requests answered 200 with the right derivative")
        if not all(results):
            failures.append("a request of the burst failed")
        status, answer = post(url, {"expr": "x*y +", "wrt": ["x"]})
        if status != 400 or answer.get("range") != [5, 5]:
            failures.append(f"bad input: {status} {answer}")

        # The browser: the seed loss by R, rendered.
        query = urllib.parse.urlencode({"expr": SEED_LOSS, "wrt": "R"})
        dom = browse(url + "?" + query, "--dump-dom")
        plain = expected[SEED_LOSS]
        checks = {
            "the page's script answered": 'data-state="answer"' in dom,
            "the answer is MathML": '<div id="math"><math' in dom,
            "the plain text is ricci diff's": plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in dom,
            "the LaTeX is shown": "\\lambda R" in dom,
            "the verdict is shown": 'class="verdict passed">verified: passed' in dom,
            "the code is shown": "def value_and_derivative(" in dom,
        }
        for label, passed in checks.items():
            print(f"browser: {label}: {'yes' if passed else 'NO'}")
            if not passed:
                failures.append("browser: " + label)
        browse(url + "?" + query, "--window-size=1100,1000", f"--screenshot={screenshot}")
        print(f"browser: screenshot saved to {screenshot}")

        # A declaration in the link: S symmetric positive definite, so logdet(S) by S is inv(S).
        dom = browse(url + "?" + urllib.parse.urlencode({"expr": "logdet(S)", "wrt": "S", "var": "S:n,n:spd"}), "--dump-dom")
        declared = 'data-state="answer"' in dom and '<code id="plain">inv(S)</code>' in dom
        print(f"browser: a declared property reaches the answer (logdet(S) by an spd S is inv(S)): {'yes' if declared else 'NO'}")
        if not declared:
            failures.append("browser: the declaration of the link")

        # A bad expression: the error under the box, its place marked.
        dom = browse(url + "?" + urllib.parse.urlencode({"expr": "X*W + ", "wrt": "X"}), "--dump-dom")
        error_shown = 'data-state="error"' in dom and "<mark>" in dom and "unexpected end of input" in dom
        print(f"browser: a bad expression shows its error with the place marked: {'yes' if error_shown else 'NO'}")
        if not error_shown:
            failures.append("browser: the error of a bad expression")

        status, _ = post(url, {"expr": "x'*x", "wrt": ["x"]})
        if status != 200 or server.poll() is not None:
            failures.append("the server stopped answering")
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failures:
        sys.exit("serve_check: " + "; ".join(failures))
    print("ricci serve: every check passed")


if __name__ == "__main__":
    main()
