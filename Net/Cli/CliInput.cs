using System.Text.Json;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>Reads the JSON definition a user names on the command line (a file, or stdin for '-'); every problem is a usage error.</summary>
internal static class CliInput
{
    public static async Task<string> ReadFileOrStdinAsync(string path, CancellationToken ct)
    {
        try
        {
            return path == "-" ? await Console.In.ReadToEndAsync(ct).ConfigureAwait(false) : await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
    }

    /// <summary>The "id" of a JSON definition (an app's or a job's), or a usage error saying what is wrong.</summary>
    public static string DefinitionId(string json, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw new CliException($"the {what} definition has no \"id\" string", ExitCodes.UsageError);
        }
        catch (JsonException e)
        {
            throw new CliException($"the {what} definition is not valid JSON: {e.Message}", ExitCodes.UsageError);
        }
    }
}
