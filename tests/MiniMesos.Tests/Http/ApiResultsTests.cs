using System.Text;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.Http;

/// <summary>
/// ApiResults writes every answer with a readable encoder: for the metadata-only /v1 context and for the
/// serialization-only Marathon context, whose generated options carry no encoder of their own.
/// </summary>
public sealed class ApiResultsTests
{
    [Fact]
    public void MarathonAnswersLeaveQuotesAndNonAsciiReadable()
    {
        var json = Encoding.UTF8.GetString(ApiResults.Serialize(
            new MarathonError("App '/a' é <b>", [new MarathonErrorDetail("/id", ["bad"])]), MarathonJsonContext.Default.MarathonError));
        Assert.Equal("""{"message":"App '/a' é <b>","details":[{"path":"/id","errors":["bad"]}]}""", json);
    }

    [Fact]
    public void ApiAnswersLeaveQuotesAndNonAsciiReadableAndSkipNulls()
    {
        var json = Encoding.UTF8.GetString(ApiResults.Serialize(new ApiError("no task 'x' é", "id"), ApiJsonContext.Api.ApiError));
        Assert.Equal("""{"error":"no task 'x' é","field":"id"}""", json);
    }
}
