using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Text;

namespace MiniMesos.Core.Fetch;

/// <summary>
/// Pure rules of the fetcher: which URIs are accepted (checked at submission and again on the agent), the name a
/// download gets in the sandbox, and which archives are unpacked. A URI names nothing on the master: only the agent
/// reads it.
/// </summary>
internal static class FetchPlan
{
    public const int MaxUris = 64;
    public const int MaxUriLength = 4096;

    /// <summary>What the task list of every field error would show for entry <paramref name="i"/> of <paramref name="field"/>.</summary>
    public static IEnumerable<ValidationError> Validate(IReadOnlyList<FetchUri>? fetch, string field = "fetch")
    {
        if (fetch is null) yield break;
        if (fetch.Count > MaxUris) yield return new ValidationError(field, $"at most {MaxUris} URIs per app or task");
        for (var i = 0; i < fetch.Count; i++)
        {
            var f = fetch[i];
            if (Invalid(f) is { } why) yield return new ValidationError($"{field}[{i}].{why.Field}", why.Reason);
        }
    }

    /// <summary>The field of one entry that is bad and why, or null.</summary>
    public static (string Field, string Reason)? Invalid(FetchUri f)
    {
        if (f.Uri.Length == 0) return ("uri", "must not be empty");
        if (f.Uri.Length > MaxUriLength) return ("uri", $"is longer than {MaxUriLength} characters");
        if (CharChecks.Any(f.Uri, char.IsControl)) return ("uri", "must not contain control characters");
        if (Scheme(f.Uri) is null)
            return ("uri", "must be an http://, https:// or file:// URI or an absolute path on the agent (other schemes, such as hdfs:// or s3://, are not supported)");
        if (f.DestPath is { } dest && BadRelative(dest) is { } bad) return ("destPath", bad);
        if (FileName(f) is null) return ("uri", "has no file name (its path ends with '/'): give destPath");
        return null;
    }

    /// <summary>"http", "https" or "file" (an absolute path is "file"); null for anything else.</summary>
    public static string? Scheme(string uri)
    {
        if (uri.StartsWith('/')) return "file";
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed)) return null;
        return parsed.Scheme switch
        {
            "http" or "https" when parsed.Host.Length > 0 => parsed.Scheme,
            "file" when parsed.Host.Length == 0 && parsed.AbsolutePath.StartsWith('/') => "file",
            _ => null,
        };
    }

    /// <summary>The agent path a file URI names (its query and fragment dropped, escapes decoded).</summary>
    public static string LocalPath(string uri) =>
        uri.StartsWith('/') ? uri : System.Uri.UnescapeDataString(new System.Uri(uri).AbsolutePath);

    /// <summary>Where the download goes in the sandbox: destPath, else the URI path's last segment; null when neither gives a name.</summary>
    public static string? FileName(FetchUri f)
    {
        if (f.DestPath is { } dest) return string.Join('/', dest.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
        var path = Scheme(f.Uri) switch
        {
            null => null,
            "file" => LocalPath(f.Uri),
            _ => System.Uri.UnescapeDataString(new System.Uri(f.Uri).AbsolutePath),
        };
        if (path is null) return null;
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name is "" or "." or ".." || name.Contains('\0') ? null : name;
    }

    /// <summary>The archive the file name says it is (Mesos decides by the extension too).</summary>
    public static ArchiveKind ArchiveOf(string name)
    {
        var n = name.ToLowerInvariant();
        if (n.EndsWith(".tar.gz", StringComparison.Ordinal) || n.EndsWith(".tgz", StringComparison.Ordinal)) return ArchiveKind.TarGzip;
        if (n.EndsWith(".tar", StringComparison.Ordinal)) return ArchiveKind.Tar;
        if (n.EndsWith(".zip", StringComparison.Ordinal)) return ArchiveKind.Zip;
        if (n.EndsWith(".tar.xz", StringComparison.Ordinal) || n.EndsWith(".txz", StringComparison.Ordinal)) return ArchiveKind.TarXz;
        if (n.EndsWith(".tar.bz2", StringComparison.Ordinal) || n.EndsWith(".tbz2", StringComparison.Ordinal)
            || n.EndsWith(".tar.zst", StringComparison.Ordinal))
            return ArchiveKind.Unsupported;
        return ArchiveKind.None;
    }

    /// <summary>Why <paramref name="path"/> is not a plain relative path below the sandbox, or null.</summary>
    public static string? BadRelative(string path)
    {
        if (path.Length == 0) return "must not be empty";
        if (path.StartsWith('/')) return "must be a path relative to the sandbox, not absolute";
        if (path.Contains('\0')) return "must not contain a NUL byte";
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Count == 0) return "must name a file";
        if (parts.Contains("..")) return "must not contain '..'";
        return path.Length > 1024 ? "is longer than 1024 characters" : null;
    }
}
