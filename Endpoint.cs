using System.Net;

namespace MiniMesos;

/// <summary>Parses the `host[:port]` values people type; errors name the flag. At the root: the CLI, the hosts, Raft
/// and the API all read addresses, and none of them should depend on another for it.</summary>
internal static class Endpoint
{
    public static (string Host, int Port) Parse(string value, int defaultPort, string flag)
    {
        var text = value.Trim();
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) text = text[7..];
        else if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) text = text[8..];
        text = text.TrimEnd('/');
        if (text.Length == 0) throw new ConfigException($"{flag}: empty address; expected host[:port]");
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            // [v6]:port
            var close = text.IndexOf(']');
            if (close < 0) throw new ConfigException($"{flag}: '{value}' has '[' without ']'");
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':') throw new ConfigException($"{flag}: '{value}' is not host[:port]");
                port = text[(close + 2)..];
            }
        }
        else if (text.AsSpan().Count(':') == 1)
        {
            var colon = text.IndexOf(':');
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        else
        {
            host = text; // a name, an IPv4 address or a bare IPv6 address
        }
        if (host.Length == 0) throw new ConfigException($"{flag}: '{value}' has no host");
        if (port is null) return (host, defaultPort);
        if (!int.TryParse(port, out var number) || number is < 1 or > 65535)
            throw new ConfigException($"{flag}: '{value}' is not host[:port] with a port from 1 to 65535");
        return (host, number);
    }

    public static bool TryParse(string value, out (string Host, int Port) endpoint)
    {
        try
        {
            endpoint = Parse(value, 0, "address");
            return endpoint.Port > 0;
        }
        catch (ConfigException)
        {
            endpoint = default;
            return false;
        }
    }

    public static IPEndPoint Listen(string address, int port, string flag)
    {
        if (!IPAddress.TryParse(address, out var ip)) throw new ConfigException($"{flag}: '{address}' is not an IP address");
        if (port is < 0 or > 65535) throw new ConfigException($"{flag}: port {port} is out of range 0-65535");
        return new IPEndPoint(ip, port);
    }
}
