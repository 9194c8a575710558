using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;
using MiniMesos.Tests.EndToEnd;
using Xunit;

namespace MiniMesos.Tests.Http;

/// <summary>
/// A leader that loses leadership while a write waits for its commit (found in the Raft lab: the isolated leader
/// answered HTTP 500 with an empty body) must answer 503 with a reason, so clients know to retry elsewhere.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LostLeadershipTests
{
    [Fact]
    public async Task AWriteThatLosesLeadershipGets503WithAReason()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        cluster.Master.Service.Attach(new LosingLeadership());
        using var http = new HttpClient(MiniMesos.Tests.EndToEnd.TestTls.Handler()) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://127.0.0.1:{cluster.Api.Port}/v1/tasks")
        {
            Content = new StringContent("""{"args":["true"]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Secret.Token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("leadership changed", body);
    }

    /// <summary>Says it leads, then fails every proposal the way RaftHost does when leadership moves.</summary>
    private sealed class LosingLeadership : IReplicatedLog
    {
        public bool IsLeader => true;

        public Task ProposeAsync(byte[] command, CancellationToken cancellationToken) =>
            Task.FromException(new NotLeaderException(0, "leadership changed before the change was committed; retry"));

        public Task ReadBarrierAsync(CancellationToken cancellationToken) =>
            Task.FromException(new NotLeaderException(0, "leadership changed; retry"));
    }
}
