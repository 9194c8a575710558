using System.Text.RegularExpressions;

namespace MiniMesos.Tests.Architecture;

/// <summary>
/// Which folder's code names which other folder's types, read from the source: each top-level type declared at the
/// start of a line, and in every file the type names it can see (its usings, its own namespace and those above it,
/// or written qualified). A folder ("unit") is Core/X, Net/X, Isolation or Isolation/X, the root's files, and
/// Program.cs on its own (it names everything, and nothing names it).
/// </summary>
internal sealed partial class SourceGraph
{
    private SourceGraph(Dictionary<string, Dictionary<string, SortedSet<string>>> edges) => Edges = edges;

    /// <summary>From unit to unit: the "file: type" uses that make the edge.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, SortedSet<string>>> Edges { get; }

    public static SourceGraph Load(Func<string, string> unitOf)
    {
        var files = RepoTree.ProductSources().Select(path => (Path: path, Text: StripComments(File.ReadAllText(Path.Combine(RepoTree.Root, path))))).ToList();
        var declared = new Dictionary<(string Ns, string Type), string>();
        foreach (var (path, text) in files)
            foreach (Match m in TypeDeclaration().Matches(text))
                declared.TryAdd((NamespaceOf(text), m.Groups[1].Value), unitOf(path));

        var edges = new Dictionary<string, Dictionary<string, SortedSet<string>>>();
        foreach (var (path, text) in files)
        {
            var from = unitOf(path);
            var ns = NamespaceOf(text);
            var scopes = new List<string>();
            for (var n = ns; n.Length > 0; n = n.LastIndexOf('.') is var dot and > 0 ? n[..dot] : "") scopes.Add(n);
            var visible = new HashSet<string>(scopes, StringComparer.Ordinal);
            foreach (Match m in UsingDirective().Matches(text))
            {
                visible.Add(m.Groups[1].Value);
                if (m.Groups[1].Value.LastIndexOf('.') is var dot and > 0) visible.Add(m.Groups[1].Value[..dot]); // using static / alias
            }
            foreach (Match m in Identifier().Matches(text))
            {
                var parts = m.Value.Split('.');
                foreach (var scope in visible)
                    Use(edges, declared, from, path, scope, parts[0]);
                // Qualified: Core.State.FeatureGate, Hosts.Defaults, MiniMesos.Net.Cli.X, relative to any enclosing namespace.
                for (var k = 1; k < parts.Length; k++)
                {
                    var prefix = string.Join('.', parts[..k]);
                    foreach (var scope in scopes.Append(""))
                        Use(edges, declared, from, path, scope.Length == 0 ? prefix : scope + "." + prefix, parts[k]);
                }
            }
        }
        return new SourceGraph(edges);
    }

    /// <summary>Groups of units that reach each other (strongly connected components of two or more), each sorted.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<IReadOnlyList<string>>();
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(e => e.Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var node in nodes)
            if (!index.ContainsKey(node)) Connect(node);
        return cycles.OrderBy(c => c[0], StringComparer.Ordinal).ToList();

        void Connect(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var next) ? next.Keys : Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w)) { Connect(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string popped;
            do { popped = stack.Pop(); onStack.Remove(popped); component.Add(popped); } while (popped != v);
            if (component.Count > 1) cycles.Add(component.Order(StringComparer.Ordinal).ToList());
        }
    }

    /// <summary>Why <paramref name="from"/> depends on <paramref name="to"/>: a few of the uses.</summary>
    public string Why(string from, string to) =>
        Edges.TryGetValue(from, out var e) && e.TryGetValue(to, out var uses) ? $"{from} -> {to} ({string.Join(", ", uses.Take(4))})" : "";

    private static void Use(Dictionary<string, Dictionary<string, SortedSet<string>>> edges, Dictionary<(string, string), string> declared,
        string from, string path, string ns, string type)
    {
        if (!declared.TryGetValue((ns, type), out var to) || to == from) return;
        if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = [];
        if (!targets.TryGetValue(to, out var uses)) targets[to] = uses = new SortedSet<string>(StringComparer.Ordinal);
        uses.Add($"{path}: {type}");
    }

    private static string NamespaceOf(string text) => FileNamespace().Match(text) is { Success: true } m ? m.Groups[1].Value : "";

    private static string StripComments(string text) => Comment().Replace(text, "");

    [GeneratedRegex(@"^(?:(?:internal|public|file|static|sealed|abstract|partial|readonly|ref)\s+)*(?:class|record\s+struct|record|struct|interface|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^using\s+(?:static\s+)?(?:\w+\s*=\s*)?(MiniMesos[\w.]*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"\b[A-Z]\w*(?:\.[A-Z]\w*)*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
