using System.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>An app whose user no connected agent allows is refused at submission (422 naming /user), not crash-looped.</summary>
public sealed class MarathonUserTests
{
    [Fact]
    public async Task AUserNoAgentAllowsIsRefusedWithTheFieldAndTheFlag()
    {
        await using var apps = await MarathonApps.StartAsync(agents: 1); // agents allow nobody only (the default)
        var (status, body) = await apps.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/as-root", "cmd": "sleep 60", "user": "root", "cpus": 0.1, "mem": 16}""");
        Assert.Equal(422, status);
        Assert.Equal("/user", body.GetProperty("details")[0].GetProperty("path").GetString());
        var reason = body.GetProperty("details")[0].GetProperty("errors")[0].GetString()!;
        Assert.Contains("'root'", reason);
        Assert.Contains("--allowed-users root", reason);
        Assert.Equal(404, (await apps.SendAsync(HttpMethod.Get, "/v2/apps/as-root")).Status);

        (status, _) = await apps.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/as-nobody", "cmd": "sleep 60", "user": "nobody", "cpus": 0.1, "mem": 16, "instances": 0}""");
        Assert.Equal(201, status);
        (status, body) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/as-nobody", """{"user": "root"}""");
        Assert.Equal(422, status);
        (status, _) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/as-nobody", """{"instances": 0, "cmd": "sleep 61"}""");
        Assert.Equal(200, status);
    }
}
