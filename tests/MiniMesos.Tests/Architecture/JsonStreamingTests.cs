using Xunit;
using System.Text.RegularExpressions;

namespace MiniMesos.Tests.Architecture;

/// <summary>
/// JSON goes through whole bodies (ApiResults, ApiClient.ReadJsonAsync): the streamed serializer calls throw at run time
/// for the serialization-only Marathon and doctor contexts, and linking them brings the serializer's async machinery
/// back for every type (docs/size.md, "JSON without streaming"). A scan of the product sources, not a runtime check.
/// </summary>
public sealed class JsonStreamingTests
{
    private static readonly Regex Streamed = new(
        @"(?<![\w.])Results\.Json\s*\(|\bTypedResults\.Json\s*\(|\.WriteAsJsonAsync\s*\(|\.ReadFromJsonAsync\s*\(|\.PostAsJsonAsync\s*\(|\.PutAsJsonAsync\s*\(|\bJsonSerializer\.SerializeAsync\s*\(|\bJsonSerializer\.DeserializeAsync\s*\(",
        RegexOptions.CultureInvariant);

    [Fact]
    public void NoProductCodeStreamsJson()
    {
        var found = new List<string>();
        foreach (var file in RepoTree.ProductSources())
        {
            var lines = File.ReadAllLines(Path.Combine(RepoTree.Root, file));
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                if (Streamed.IsMatch(code)) found.Add($"{file}:{i + 1}: {code}");
            }
        }
        Assert.True(found.Count == 0, "streamed JSON calls (use ApiResults.Json/Serialize or ApiClient.ReadJsonAsync):\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheScanFindsAStreamedCall()
    {
        Assert.Matches(Streamed, "return Results.Json(view, ApiJsonContext.Api.View);");
        Assert.Matches(Streamed, "var x = await response.Content.ReadFromJsonAsync(ctx.Default.Foo);");
        Assert.DoesNotMatch(Streamed, "return ApiResults.Json(view, ApiJsonContext.Api.View);");
    }
}
