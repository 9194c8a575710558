using System.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>/v2/apps/ID/versions lists the kept config versions and their scales, newest first; /versions/V answers that version's definition.</summary>
public sealed class MarathonVersionsTests
{
    [Fact]
    public async Task OlderConfigVersionsAreListedAndAnswered()
    {
        await using var apps = await MarathonApps.StartAsync(agents: 0);
        var (status, first) = await apps.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/hist", "cmd": "sleep 1", "instances": 0, "cpus": 0.1, "mem": 16}""");
        Assert.Equal(201, status);
        var v1 = first.GetProperty("version").GetString()!;
        var (_, scaled) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/hist", """{"instances": 2}""");
        var v1Scale = scaled.GetProperty("version").GetString()!;
        var (_, changed) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/hist", """{"cmd": "sleep 2"}""");
        var v2 = changed.GetProperty("version").GetString()!;

        var versions = (await apps.SendAsync(HttpMethod.Get, "/v2/apps/hist/versions")).Body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal(new[] { v2, v1Scale, v1 }, versions);
        var (okStatus, old) = await apps.SendAsync(HttpMethod.Get, $"/v2/apps/hist/versions/{v1}");
        Assert.Equal(200, okStatus);
        Assert.Equal("sleep 1", old.GetProperty("cmd").GetString());
        Assert.Equal(2, old.GetProperty("instances").GetInt32());
        Assert.Equal("sleep 2", (await apps.SendAsync(HttpMethod.Get, $"/v2/apps/hist/versions/{v2}")).Body.GetProperty("cmd").GetString());
        Assert.Equal(404, (await apps.SendAsync(HttpMethod.Get, "/v2/apps/hist/versions/2001-01-01T00:00:00.000Z")).Status);
    }
}
