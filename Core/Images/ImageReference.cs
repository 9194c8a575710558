using MiniMesos.Core.Text;

namespace MiniMesos.Core.Images;

/// <summary>
/// A parsed image reference. Registry references follow Docker's grammar and normalisation: no registry means
/// docker.io, a one-part name on docker.io means library/NAME, no tag and no digest means :latest; a digest pins the
/// content (a tag beside it is kept only for display). Local sources carry <see cref="Path"/> and, for OCI layouts,
/// an optional <see cref="Tag"/> (the layout's org.opencontainers.image.ref.name; null: the layout's only image).
/// </summary>
internal sealed record ImageReference(
    ImageTransport Transport,
    string? Registry,
    string? Repository,
    string? Tag,
    ImageDigest? Digest,
    string? Path)
{
    public const string DockerHub = "docker.io";
    private const int MaxNameLength = 255;

    /// <summary>Docker Hub's API host; "docker.io" is only the name users write.</summary>
    public string? RegistryHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

    /// <summary>What the registry is asked for: the digest when there is one, otherwise the tag.</summary>
    public string? ManifestReference => Digest?.ToString() ?? Tag;

    public override string ToString() => Transport switch
    {
        ImageTransport.Registry => $"{Registry}/{Repository}" + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest),
        ImageTransport.OciLayout => "oci:" + Path + (Tag is null ? "" : ":" + Tag),
        ImageTransport.OciArchive => "oci-archive:" + Path + (Tag is null ? "" : ":" + Tag),
        _ => "docker-archive:" + Path,
    };

    /// <summary>The reference, or null with <paramref name="error"/> naming what is wrong (for a 4xx or a usage error).</summary>
    public static ImageReference? Parse(string? text, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(text)) { error = "image reference is empty"; return null; }
        if (CharChecks.Any(text, c => char.IsWhiteSpace(c) || char.IsControl(c))) { error = $"image reference '{text}' must not contain spaces or control characters"; return null; }
        foreach (var (prefix, transport) in LocalPrefixes)
            if (text.StartsWith(prefix, StringComparison.Ordinal))
                return ParseLocal(text, text[prefix.Length..], transport, out error);
        return ParseRegistry(text, out error);
    }

    private static readonly (string Prefix, ImageTransport Transport)[] LocalPrefixes =
    [
        ("oci:", ImageTransport.OciLayout),
        ("oci-archive:", ImageTransport.OciArchive),
        ("docker-archive:", ImageTransport.DockerArchive),
    ];

    private static ImageReference? ParseLocal(string text, string rest, ImageTransport transport, out string error)
    {
        error = "";
        string path = rest;
        string? tag = null;
        if (transport != ImageTransport.DockerArchive)
        {
            // oci:DIR:tag: the tag is what follows the last ':' when that part holds no '/'.
            var colon = rest.LastIndexOf(':');
            if (colon >= 0 && rest.IndexOf('/', colon) < 0)
            {
                path = rest[..colon];
                tag = rest[(colon + 1)..];
                if (!IsTag(tag)) { error = $"image reference '{text}': tag '{tag}' must be 1-128 letters, digits, '_', '.' or '-' and not start with '.' or '-'"; return null; }
            }
        }
        if (path.Length == 0 || path[0] != '/') { error = $"image reference '{text}': the path must be absolute (it is read on the agent)"; return null; }
        if (path.Split('/').Any(p => p is "." or "..")) { error = $"image reference '{text}': the path must not contain . or .. components"; return null; }
        if (transport == ImageTransport.DockerArchive && path.Contains(':')) { error = $"image reference '{text}': docker-archive takes a file only (no :reference)"; return null; }
        return new ImageReference(transport, null, null, tag, null, path);
    }

    private static ImageReference? ParseRegistry(string text, out string error)
    {
        error = "";
        var name = text;
        ImageDigest? digest = null;
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            digest = ImageDigest.Parse(name[(at + 1)..], out var digestError);
            if (digest is null) { error = $"image reference '{text}': {digestError}"; return null; }
            name = name[..at];
        }
        string? tag = null;
        var lastColon = name.LastIndexOf(':');
        if (lastColon >= 0 && name.IndexOf('/', lastColon) < 0)
        {
            tag = name[(lastColon + 1)..];
            name = name[..lastColon];
            if (!IsTag(tag)) { error = $"image reference '{text}': tag '{tag}' must be 1-128 letters, digits, '_', '.' or '-' and not start with '.' or '-'"; return null; }
        }
        if (name.Length == 0) { error = $"image reference '{text}' has no repository name"; return null; }
        if (name.Length > MaxNameLength) { error = $"image reference '{text}': the name is longer than {MaxNameLength} characters"; return null; }

        string registry;
        string repository;
        var slash = name.IndexOf('/');
        var first = slash < 0 ? null : name[..slash];
        if (first is not null && (first.Contains('.') || first.Contains(':') || first == "localhost"))
        {
            registry = first;
            repository = name[(slash + 1)..];
            if (!IsRegistryHost(registry)) { error = $"image reference '{text}': registry '{registry}' must be host or host:port"; return null; }
        }
        else
        {
            registry = DockerHub;
            repository = name;
        }
        if (registry == "index.docker.io") registry = DockerHub;
        if (registry == DockerHub && !repository.Contains('/')) repository = "library/" + repository;
        foreach (var component in repository.Split('/'))
        {
            if (CharChecks.Any(component, char.IsUpper)) { error = $"image reference '{text}': repository name must be lowercase"; return null; }
            if (!IsPathComponent(component))
            {
                error = $"image reference '{text}': repository component '{component}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'";
                return null;
            }
        }
        if (tag is null && digest is null) tag = "latest";
        return new ImageReference(ImageTransport.Registry, registry, repository, tag, digest, null);
    }

    private static bool IsTag(string tag) =>
        tag.Length is > 0 and <= 128 && IsWordChar(tag[0]) && CharChecks.All(tag, c => IsWordChar(c) || c is '.' or '-');

    private static bool IsWordChar(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';

    private static bool IsAlnum(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    /// <summary>[a-z0-9]+ separated by '.', '_', '__' or any run of '-'.</summary>
    private static bool IsPathComponent(string component)
    {
        if (component.Length == 0 || !IsAlnum(component[0]) || !IsAlnum(component[^1])) return false;
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (IsAlnum(c)) continue;
            var start = i;
            while (i < component.Length && !IsAlnum(component[i])) i++;
            var separator = component[start..i];
            i--;
            if (separator is not ("." or "_" or "__") && CharChecks.Any(separator, s => s != '-')) return false;
        }
        return true;
    }

    private static bool IsRegistryHost(string registry)
    {
        var colon = registry.LastIndexOf(':');
        var host = colon < 0 ? registry : registry[..colon];
        if (colon >= 0)
        {
            var port = registry[(colon + 1)..];
            if (!int.TryParse(port, System.Globalization.NumberStyles.None, null, out var p) || p is < 1 or > 65535) return false;
        }
        if (host.Length == 0) return false;
        return host.Split('.').All(label => label.Length > 0 && char.IsAsciiLetterOrDigit(label[0]) && char.IsAsciiLetterOrDigit(label[^1])
                                            && CharChecks.All(label, c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }
}
