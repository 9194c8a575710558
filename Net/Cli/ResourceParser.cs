using System.Globalization;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>Parses `--resources 'cpus=2;mem=1024;disk=10000;ports=[31000-32000]'` (and --reserved, same form).</summary>
internal static class ResourceParser
{
    public static ResourceOverrides Parse(string? text)
    {
        var result = new ResourceOverrides();
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOfAny(['=', ':']);
            if (eq <= 0) throw new ConfigException($"--resources: '{part}' is not name=value");
            var (name, value) = (part[..eq].Trim(), part[(eq + 1)..].Trim());
            if (name == "ports")
            {
                result = result with { Ports = ParsePorts(value) };
                continue;
            }
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number <= 0 || !double.IsFinite(number))
                throw new ConfigException($"--resources: {name}: '{value}' is not a positive number");
            result = name switch
            {
                "cpus" => result with { Cpus = number },
                "mem" => result with { MemMb = Whole(name, number) },
                "disk" => result with { DiskMb = Whole(name, number) },
                _ => throw new ConfigException($"--resources: unknown resource '{name}' (known: cpus, mem, disk, ports)"),
            };
        }
        return result;
    }

    private static Core.Allocation.PortRanges ParsePorts(string value)
    {
        try
        {
            var ports = Core.Allocation.PortRanges.Parse(value);
            return ports.IsEmpty || ports.Ranges[0].Begin == 0 ? throw new FormatException($"'{value}' has no port in 1-65535") : ports;
        }
        catch (FormatException e)
        {
            throw new ConfigException($"--resources: ports: {e.Message}");
        }
    }

    private static long Whole(string name, double number) =>
        number == Math.Floor(number) ? (long)number : throw new ConfigException($"--resources: {name} must be a whole number of MiB");
}
