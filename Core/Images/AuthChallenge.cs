namespace MiniMesos.Core.Images;

/// <summary>
/// A registry's WWW-Authenticate challenge: the scheme ("Bearer" or "Basic") and its parameters (realm, service,
/// scope), parsed from <c>Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"</c>.
/// </summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        header = header.Trim();
        var space = header.IndexOf(' ');
        var scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? header.Length : space + 1;
        while (i < header.Length)
        {
            while (i < header.Length && header[i] is ' ' or ',') i++;
            var eq = header.IndexOf('=', i);
            if (eq < 0) break;
            var name = header[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                for (i++; i < header.Length && header[i] != '"'; i++)
                {
                    if (header[i] == '\\' && i + 1 < header.Length) i++;
                    sb.Append(header[i]);
                }
                i++;
                value = sb.ToString();
            }
            else
            {
                var end = header.IndexOf(',', i);
                if (end < 0) end = header.Length;
                value = header[i..end].Trim();
                i = end;
            }
            if (name.Length > 0) parameters[name] = value;
        }
        return new AuthChallenge(scheme, parameters);
    }
}
