// Naming repeated sub-expressions in pretty output: `2 Wᵀ(T₁ ⊙ (𝟏 − T₁) ⊙ (M T₁)) where T₁ = …`.

extension PrettyPrinter {
    /// The pretty form with repeated sub-expressions named `T₁, T₂, …` (`… where T₁ = X W`)
    /// wherever that makes the printed text shorter; the plain pretty form otherwise.
    ///
    /// Any operator node may be named, a single call too (`diag(T₁) − T₁ T₁ᵀ where T₁ =
    /// softmax(x)`): what decides is the length saved, so `Xᵀ` or `exp(x)` twice stay written.
    /// Greedy: the sub-expression whose naming saves the most characters is named first
    /// (larger ones before the parts they contain), then the choice repeats on what is left;
    /// a definition may use earlier names. The names cannot clash with variables: a name of
    /// the language has no subscript digits. The work is linear in the number of distinct
    /// sub-expressions per name chosen, however often they repeat in the printed tree.
    public static func printNamingRepeats(_ expr: MatrixExpr) -> String {
        printNamingRepeats(SubexpressionGraph(expr))
    }

    /// ``printNamingRepeats(_:)`` over a graph of the expression's distinct sub-expressions
    /// that is already known (a derivation builds it from its DAG, without walking the tree).
    static func printNamingRepeats(_ graph: SubexpressionGraph) -> String {
        let (root, definitions) = namingRepeats(graph)
        guard !definitions.isEmpty else { return print(root) }
        return print(root) + " where " + definitions.map { "\(print($0.name)) = \(print($0.value))" }.joined(separator: ", ")
    }

    /// The expression with the repeated sub-expressions worth a name replaced by `T₁`, `T₂`,
    /// … (chosen as ``printNamingRepeats(_:)`` says), and the definitions, in order.
    static func namingRepeats(_ graph: SubexpressionGraph) -> (root: MatrixExpr, definitions: [(name: MatrixExpr, value: MatrixExpr)]) {
        let expr = graph.nodes[graph.root]
        // Most results repeat nothing worth a name: then there is nothing to measure.
        let initialCounts = graph.occurrences(named: [])
        guard graph.nodes.indices.contains(where: { initialCounts[$0] >= 2 && graph.operatorCounts[$0] >= 1 }) else {
            return (expr, [])
        }
        var named: [Int] = []
        while named.count < 9 {
            let counts = graph.occurrences(named: named)
            let lengths = graph.printedLengths(named: named)
            let nameLength = 2
            var best: (saving: Int, node: Int)?
            for node in graph.nodes.indices where counts[node] >= 2 && graph.operatorCounts[node] >= 1 && !named.contains(node) {
                // Every occurrence but the definition shrinks to the name; the definition costs
                // ", T₁ = " (or " where T₁ = ") and the text of the sub-expression.
                let length = lengths[node]
                let saving = counts[node] * (length - nameLength) - (length + nameLength + 8)
                if saving > 0, saving > best?.saving ?? 0 { best = (saving, node) }
            }
            guard let chosen = best?.node else { break }
            named.append(chosen)
        }
        guard !named.isEmpty else { return (expr, []) }
        let names = Dictionary(uniqueKeysWithValues: named.enumerated().map {
            ($1, MatrixExpr.variable("T" + String(subscriptDigits[$0 + 1])))
        })
        let (root, values) = graph.trees(root: graph.root, definitions: named, names: names)
        return (root, zip(named, values).map { (name: names[$0]!, value: $1) })
    }

    private static let subscriptDigits = Array("₀₁₂₃₄₅₆₇₈₉")
}

/// The distinct sub-expressions of a tree, each once, children before parents.
struct SubexpressionGraph: Sendable {
    /// The distinct sub-expressions; children always have smaller numbers.
    private(set) var nodes: [MatrixExpr] = []
    private(set) var children: [[Int]] = []
    private(set) var operatorCounts: [Int] = []
    /// The length of each node's own text, without its children's.
    private var ownLengths: [Int] = []
    private var numbering = StructuralNumbering()
    private(set) var root = 0

    init(_ expr: MatrixExpr) {
        root = add(expr)
    }

    /// The graph of the interned expression `id`: its DAG, read from the table.
    init(_ id: ExprID, in table: ExpressionTable) {
        let order = table.topologicalOrder(from: id).reversed()
        // The graph's number of each table node, by the table's (dense) numbering.
        var numbers = [Int](repeating: -1, count: table.nodes.count)
        for node in order {
            let expr = table.expression(node)
            let childNumbers = table[node].children.map { numbers[Int($0.raw)] }
            numbers[Int(node.raw)] = nodes.count
            nodes.append(expr)
            children.append(childNumbers)
            operatorCounts.append(expr.children.isEmpty && !expr.isConstructor ? 0
                : 1 + childNumbers.reduce(0) { $0 + operatorCounts[$1] })
            ownLengths.append(expr.ownTextLength)
        }
        root = numbers[Int(id.raw)]
    }

    /// Numbers `expr` and its sub-expressions, reusing the number of an equal one
    /// (``StructuralNumbering``).
    private mutating func add(_ expr: MatrixExpr) -> Int {
        let childNumbers = expr.children.map { add($0) }
        let (number, isNew) = numbering.number(expr, children: childNumbers)
        guard isNew else { return number }
        nodes.append(expr)
        children.append(childNumbers)
        operatorCounts.append(expr.children.isEmpty && !expr.isConstructor ? 0
            : 1 + childNumbers.reduce(0) { $0 + operatorCounts[$1] })
        ownLengths.append(expr.ownTextLength)
        return number
    }

    /// How often each node is printed: in the main tree (where a named node is printed as its
    /// name) and in the definitions of the named nodes.
    func occurrences(named: [Int]) -> [Int] {
        var counts = [Int](repeating: 0, count: nodes.count)
        counts[root] = 1
        for definition in named { counts[definition] += 1 }
        for node in nodes.indices.reversed() where counts[node] > 0 {
            // A named node's subtree is printed once, in its definition.
            let times = named.contains(node) ? 1 : counts[node]
            for child in children[node] { counts[child] += times }
        }
        return counts
    }

    /// The printed length of each node, a named node inside another counting as its name.
    func printedLengths(named: [Int]) -> [Int] {
        var lengths = [Int](repeating: 0, count: nodes.count)
        for node in nodes.indices {
            lengths[node] = ownLengths[node] + children[node].reduce(0) { $0 + (named.contains($1) ? 2 : lengths[$1]) }
        }
        return lengths
    }

    /// The tree of `root` and of each of `definitions`, named nodes below them replaced by
    /// their names (a definition's own node written out).
    func trees(root: Int, definitions: [Int], names: [Int: MatrixExpr]) -> (root: MatrixExpr, definitions: [MatrixExpr]) {
        // A subtree without a named node is the tree as it was: only the paths down to named
        // nodes are rebuilt.
        var holdsName = [Bool](repeating: false, count: nodes.count)
        for position in nodes.indices {
            holdsName[position] = names[position] != nil || children[position].contains { holdsName[$0] }
        }
        func rebuilt(_ node: Int, isDefinition: Bool) -> MatrixExpr {
            if !isDefinition, let name = names[node] { return name }
            guard holdsName[node] else { return nodes[node] }
            return nodes[node].replacingChildren(with: children[node].map { rebuilt($0, isDefinition: false) })
        }
        return (rebuilt(root, isDefinition: false), definitions.map { rebuilt($0, isDefinition: true) })
    }
}

extension MatrixExpr {
    /// About how many characters the node itself adds to its children's text (an estimate
    /// that ranks candidate names; the printed text is what it is).
    fileprivate var ownTextLength: Int {
        switch self {
        case .number(let value): return value.description.count
        case .variable(let name): return name.unicodeScalars.count
        case .identity, .ones, .zeros, .sizeless: return 2
        case .commutation: return 6
        case .add, .subtract, .hadamard, .elementwiseDivide: return 3
        case .multiply, .divide, .power, .elementwisePower, .powerBy, .elementwisePowerBy, .transpose: return 1
        case .negate: return 1
        case .apply(let function, _): return function.name.unicodeScalars.count + 2
        case .apply2(let function, _, _): return function.name.unicodeScalars.count + 4
        }
    }

}
