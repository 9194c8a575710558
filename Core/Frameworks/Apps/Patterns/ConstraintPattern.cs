namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>
/// A LIKE/UNLIKE constraint pattern, compiled to a small program that a Pike VM runs over the value: every thread
/// steps through the value together, so a match takes time linear in the value's length times the program's
/// size, whatever the pattern (<c>(a*)*b</c> included), with no backtracking and no clock. Every replica matches
/// a pattern when it applies a launch, so the answer is a pure function of the pattern and the value. The whole
/// value must match, as <c>^(?:pattern)$</c> did with .NET's regex (whose <c>$</c> also allows one final newline).
/// </summary>
internal sealed class ConstraintPattern
{
    /// <summary>The largest program a pattern may compile to (counted repetitions are expanded).</summary>
    public const int MaxProgram = 10_000;

    private const byte OpSet = 0, OpSplit = 1, OpJump = 2, OpAssert = 3, OpMatch = 4;

    private readonly List<byte> _ops = [];
    private readonly List<int> _a = [];
    private readonly List<int> _b = [];
    private readonly List<PatternCharSet> _sets = [];

    private ConstraintPattern() { }

    /// <summary>The compiled pattern, or null with <paramref name="why"/> saying what is wrong.</summary>
    public static ConstraintPattern? Compile(string pattern, out string why)
    {
        if (PatternParser.Parse(pattern, out why) is not { } node) return null;
        var compiled = new ConstraintPattern();
        try
        {
            compiled.Emit(node);
            compiled.Add(OpAssert, (int)PatternAssertion.EndOrFinalNewline, 0);
            compiled.Add(OpMatch, 0, 0);
        }
        catch (PatternException e)
        {
            why = e.Message;
            return null;
        }
        return compiled;
    }

    /// <summary>Whether the whole of <paramref name="value"/> matches.</summary>
    public bool IsMatch(string value)
    {
        var n = _ops.Count;
        var current = new int[n];
        var next = new int[n];
        var seen = new int[n];
        var stack = new int[2 * n + 2];
        var currentCount = 0;
        var generation = 1;
        if (AddThread(0, value, 0, current, ref currentCount, seen, generation, stack)) return true;
        for (var pos = 0; pos < value.Length && currentCount > 0; pos++)
        {
            var c = value[pos];
            var nextCount = 0;
            generation++;
            for (var t = 0; t < currentCount; t++)
            {
                var pc = current[t];
                if (_sets[_a[pc]].Contains(c) && AddThread(pc + 1, value, pos + 1, next, ref nextCount, seen, generation, stack))
                    return true;
            }
            (current, next) = (next, current);
            currentCount = nextCount;
        }
        return false;
    }

    /// <summary>Follows jumps, splits and assertions from <paramref name="start"/> at <paramref name="pos"/>; true when the match instruction is reached.</summary>
    private bool AddThread(int start, string value, int pos, int[] list, ref int count, int[] seen, int generation, int[] stack)
    {
        var top = 0;
        stack[top++] = start;
        while (top > 0)
        {
            var pc = stack[--top];
            if (seen[pc] == generation) continue;
            seen[pc] = generation;
            switch (_ops[pc])
            {
                case OpSet: list[count++] = pc; break;
                case OpJump: stack[top++] = _a[pc]; break;
                case OpSplit:
                    stack[top++] = _b[pc];
                    stack[top++] = _a[pc];
                    break;
                case OpAssert:
                    if (Holds((PatternAssertion)_a[pc], value, pos)) stack[top++] = pc + 1;
                    break;
                case OpMatch: return true;
            }
        }
        return false;
    }

    private static bool Holds(PatternAssertion assertion, string value, int pos) => assertion switch
    {
        PatternAssertion.Start => pos == 0,
        PatternAssertion.End => pos == value.Length,
        PatternAssertion.EndOrFinalNewline => pos == value.Length || (pos == value.Length - 1 && value[pos] == '\n'),
        PatternAssertion.WordBoundary => AtBoundary(value, pos),
        _ => !AtBoundary(value, pos),
    };

    private static bool AtBoundary(string value, int pos) =>
        (pos > 0 && PatternCharSet.IsBoundaryWordChar(value[pos - 1])) != (pos < value.Length && PatternCharSet.IsBoundaryWordChar(value[pos]));

    private void Emit(PatternNode node)
    {
        switch (node.Kind)
        {
            case PatternNodeKind.Set:
                _sets.Add(node.Set!);
                Add(OpSet, _sets.Count - 1, 0);
                break;
            case PatternNodeKind.Assert:
                Add(OpAssert, (int)node.Assertion, 0);
                break;
            case PatternNodeKind.Concat:
                foreach (var child in node.Children) Emit(child);
                break;
            case PatternNodeKind.Alternate:
                EmitAlternate(node.Children);
                break;
            case PatternNodeKind.Repeat:
                EmitRepeat(node.Children[0], node.Min, node.Max);
                break;
        }
    }

    private void EmitAlternate(List<PatternNode> children)
    {
        var jumps = new List<int>();
        for (var i = 0; i < children.Count - 1; i++)
        {
            var split = Add(OpSplit, _ops.Count + 1, 0);
            Emit(children[i]);
            jumps.Add(Add(OpJump, 0, 0));
            _b[split] = _ops.Count;
        }
        Emit(children[^1]);
        foreach (var jump in jumps) _a[jump] = _ops.Count;
    }

    private void EmitRepeat(PatternNode child, int min, int max)
    {
        for (var i = 0; i < min; i++) Emit(child);
        if (max == -1)
        {
            // L: split(body, out); body; jump L
            var split = Add(OpSplit, _ops.Count + 1, 0);
            Emit(child);
            Add(OpJump, split, 0);
            _b[split] = _ops.Count;
            return;
        }
        var splits = new List<int>();
        for (var i = min; i < max; i++)
        {
            splits.Add(Add(OpSplit, _ops.Count + 1, 0));
            Emit(child);
        }
        foreach (var split in splits) _b[split] = _ops.Count;
    }

    private int Add(byte op, int a, int b)
    {
        if (_ops.Count >= MaxProgram)
            throw new PatternException($"the pattern is too large (over {MaxProgram} steps once its repetitions are expanded)");
        _ops.Add(op);
        _a.Add(a);
        _b.Add(b);
        return _ops.Count - 1;
    }
}
