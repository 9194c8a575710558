using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Core.Http;

/// <summary>
/// A request's Host field (RFC 9110 7.2): host[:port], where host is a registered name (RFC 3986 reg-name: letters,
/// digits, "-._~", "!$&amp;'()*+,;=" and %-escapes; an IPv4 address is one) or an IPv6 address in brackets (no zone), and
/// port is digits up to 65535. Empty is refused: it only fits an absolute-form target without an authority, which the API never serves.
/// </summary>
internal static class HttpHost
{
    /// <summary>Why the value is not a Host, or null when it is one.</summary>
    public static string? Problem(string value)
    {
        if (value.Length == 0) return "the value is empty";
        if (value.Contains('@')) return "user information ('@') is not allowed";
        int colon;
        if (value[0] == '[')
        {
            var close = value.IndexOf(']');
            if (close < 0) return "an IPv6 address must end with ']'";
            if (!IsIPv6(value.AsSpan(1, close - 1))) return "the address in [ ] is not an IPv6 address";
            colon = close + 1;
            if (colon < value.Length && value[colon] != ':') return "only ':' and a port may follow ']'";
        }
        else
        {
            colon = value.IndexOf(':');
            var name = colon < 0 ? value.AsSpan() : value.AsSpan(0, colon);
            if (name.IsEmpty) return "the host name is empty";
            if (NameProblem(name) is { } problem) return problem;
        }
        return colon < 0 || colon == value.Length ? null : PortProblem(value.AsSpan(colon + 1));
    }

    private static string? NameProblem(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '%')
            {
                if (i + 2 >= name.Length || !char.IsAsciiHexDigit(name[i + 1]) || !char.IsAsciiHexDigit(name[i + 2]))
                    return "a '%' in the host name is not followed by two hex digits";
                i += 2;
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')'
                         or '*' or '+' or ',' or ';' or '='))
                return "the host name may have only letters, digits, %-escapes and -._~!$&'()*+,;=";
        }
        return null;
    }

    /// <summary>Hex digits, ':' and '.' (an IPv4 tail) only, no zone, and an address the runtime reads as IPv6.</summary>
    private static bool IsIPv6(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.')) return false;
        return text.Contains(':') && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>RFC 3986 allows an empty port after ':' (the same as none); otherwise digits up to 65535.</summary>
    private static string? PortProblem(ReadOnlySpan<char> port)
    {
        foreach (var c in port)
            if (!char.IsAsciiDigit(c)) return "the port must be digits";
        return port.Length > 5 || port.Length > 0 && int.Parse(port, provider: System.Globalization.CultureInfo.InvariantCulture) > 65535
            ? "the port must be at most 65535" : null;
    }
}
