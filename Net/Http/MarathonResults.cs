using System.Text;
using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http;

/// <summary>Marathon-shaped answers: errors as {"message", "details"}, and MiniMesos' notes in X-MiniMesos-* headers.</summary>
internal static class MarathonResults
{
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>One line per ignored or changed thing in a posted definition (Marathon clients would choke on them in the body).</summary>
    public const string WarningsHeader = "X-MiniMesos-Warnings";

    public const string UnsupportedHeader = "X-MiniMesos-Unsupported-Fields";

    /// <summary>Why an app is short of instances (for example "UNIQUE hostname: all 3 agents already run an instance").</summary>
    public const string WaitingHeader = "X-MiniMesos-Waiting";

    public static IResult Error(int status, string message) =>
        ApiResults.Json(new MarathonError(message), MarathonJsonContext.Default.MarathonError, status: status);

    public static IResult NoSuchApp(string id) => Error(StatusCodes.Status404NotFound, $"App '{id}' does not exist");

    public static IResult TooLarge() => Error(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes} bytes");

    /// <summary>400 for a body that is not JSON, 422 listing every bad field (paths as Marathon writes them: /healthChecks(0)/path).</summary>
    public static IResult Invalid(MarathonParse parse) => parse.BodyError is { } message
        ? Error(StatusCodes.Status400BadRequest, message)
        : ApiResults.Json(new MarathonError(parse.Message, parse.Errors.GroupBy(e => Path(e.Path))
                .Select(g => new MarathonErrorDetail(g.Key, g.Select(e => e.Reason).ToList())).ToList()),
            MarathonJsonContext.Default.MarathonError, status: StatusCodes.Status422UnprocessableEntity);

    /// <summary>"healthChecks[0].path" -> "/healthChecks(0)/path".</summary>
    public static string Path(string field) =>
        "/" + field.Replace("[", "(").Replace("]", ")").Replace(").", ")/").Replace('.', '/');

    /// <summary>Puts the parse's warnings and ignored fields into headers (ASCII only: other characters become '?').</summary>
    public static void Notes(HttpContext http, MarathonParse parse)
    {
        if (parse.Warnings.Count > 0) http.Response.Headers.Set(WarningsHeader, parse.Warnings.Select(Ascii));
        if (parse.UnsupportedFields.Count > 0) http.Response.Headers[UnsupportedHeader] = string.Join(",", parse.UnsupportedFields.Select(Ascii));
    }

    public static string Ascii(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text) b.Append(c is >= ' ' and <= '~' ? c : '?');
        return b.ToString();
    }

    public static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    public static bool Flag(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var v) && v.ToString() is "true" or "1" or "True";
}
