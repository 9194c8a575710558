using System.Diagnostics;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using MiniMesos.Tests.Fetch;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// The fetcher through the whole path: a /v1 task and a Marathon app name URIs on a loopback HTTP server, the agent
/// downloads and unpacks them into the sandbox before the command starts, and a fetch that fails ends the task
/// TASK_FAILED naming the URI and the reason.
/// </summary>
public sealed class FetchEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task ATaskRunsWhatItFetchedAndAFailedFetchFailsTheTask()
    {
        using var server = new LoopbackFiles();
        server.Serve("/tool.sh", "#!/bin/sh\necho \"tool $(cat conf/app.conf)\"\n"u8.ToArray());
        server.Serve("/conf.tgz", FetchArchives.Tar(w => FetchArchives.File(w, "conf/app.conf", "v42"), gzip: true));
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var body = JsonSerializer.Serialize(new
        {
            cmd = "./tool.sh",
            name = "fetcher",
            cpus = 0.1,
            mem = 32,
            fetch = new object[] { new { uri = server.Url("/tool.sh"), executable = true }, new { uri = server.Url("/conf.tgz") } },
        });
        var (status, submitted) = await client.SendAsync(HttpMethod.Post, "/v1/tasks", body, CancellationToken.None);
        Assert.True(status == 201 || status == 200, submitted);
        var id = JsonDocument.Parse(submitted).RootElement.GetProperty("id").GetString()!;
        var stdout = new MemoryStream();
        await client.FollowLogAsync(id, "stdout", stdout, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("tool v42\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("TASK_FINISHED", (await client.GetTaskAsync(id, CancellationToken.None)).State);

        // The fetch list is part of the task's views (one task, the list) and of `minimesos task show`.
        var shown = JsonDocument.Parse((await client.SendAsync(HttpMethod.Get, $"/v1/tasks/{id}", null, CancellationToken.None)).Body).RootElement.GetProperty("fetch");
        Assert.Equal(server.Url("/tool.sh"), shown[0].GetProperty("uri").GetString());
        Assert.True(shown[0].GetProperty("executable").GetBoolean());
        Assert.True(shown[1].GetProperty("extract").GetBoolean());
        Assert.False(shown[1].GetProperty("cache").GetBoolean());
        var listed = JsonDocument.Parse((await client.SendAsync(HttpMethod.Get, "/v1/tasks", null, CancellationToken.None)).Body).RootElement
            .GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal(2, listed.GetProperty("fetch").GetArrayLength());
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" };
        var (code, cli, cliError) = await CliProcess.RunAsync(["task", "show", id], env);
        Assert.True(code == 0, cliError);
        Assert.Contains($"fetch:    {server.Url("/tool.sh")} (extract, executable)\n", cli);
        Assert.Contains($"fetch:    {server.Url("/conf.tgz")} (extract)\n", cli);

        var missing = server.Url("/missing.tgz");
        (status, submitted) = await client.SendAsync(HttpMethod.Post, "/v1/tasks",
            JsonSerializer.Serialize(new { cmd = "true", name = "nofetch", cpus = 0.1, mem = 32, fetch = new[] { new { uri = missing } } }), CancellationToken.None);
        Assert.True(status == 201 || status == 200, submitted);
        id = JsonDocument.Parse(submitted).RootElement.GetProperty("id").GetString()!;
        var watch = Stopwatch.StartNew();
        var task = await client.GetTaskAsync(id, CancellationToken.None);
        while (task.State != "TASK_FAILED" && watch.Elapsed < Patience)
        {
            await Task.Delay(100);
            task = await client.GetTaskAsync(id, CancellationToken.None);
        }
        Assert.Equal("TASK_FAILED", task.State);
        Assert.Contains(missing, task.Message);
        Assert.Contains("HTTP 404", task.Message);

        (status, submitted) = await client.SendAsync(HttpMethod.Post, "/v1/tasks",
            JsonSerializer.Serialize(new { cmd = "true", cpus = 0.1, mem = 32, fetch = new[] { new { uri = "ftp://example.org/x" } } }), CancellationToken.None);
        Assert.Equal(400, status);
        Assert.Contains("fetch[0].uri", submitted);
    }

    [Fact]
    public async Task AMarathonAppsUrisAndFetchReachItsInstances()
    {
        using var server = new LoopbackFiles();
        server.Serve("/site.zip", FetchArchives.Zip(("site/index.html", "hello from zip")));
        server.Serve("/legacy.txt", "legacy"u8.ToArray());
        await using var apps = await MarathonApps.StartAsync(agents: 1);
        try
        {
            var output = Path.Combine(apps.Cluster.Dir, "fetched.txt");
            var app = JsonSerializer.Serialize(new
            {
                id = "/web/fetching",
                cmd = $"cat site/index.html legacy.txt > {output}.tmp && mv {output}.tmp {output}; {apps.SleeperCmd}",
                cpus = 0.1,
                mem = 32,
                fetch = new object[] { new { uri = server.Url("/site.zip"), extract = true, executable = false, cache = true } },
            });
            var (status, created) = await apps.SendAsync(HttpMethod.Post, "/v2/apps", app);
            Assert.Equal(201, status);
            Assert.Equal(server.Url("/site.zip"), created.GetProperty("fetch")[0].GetProperty("uri").GetString());
            Assert.True(created.GetProperty("fetch")[0].GetProperty("cache").GetBoolean());
            (status, _) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/web/fetching",
                $$"""{"fetch": [], "uris": ["{{server.Url("/site.zip")}}", "{{server.Url("/legacy.txt")}}"]}""");
            Assert.Equal(200, status);
            var shown = await apps.AppAsync("/web/fetching");
            Assert.Equal(2, shown.GetProperty("fetch").GetArrayLength());
            Assert.False(shown.GetProperty("fetch")[1].GetProperty("cache").GetBoolean());
            var watch = Stopwatch.StartNew();
            while (!File.Exists(output) && watch.Elapsed < Patience) await Task.Delay(100);
            Assert.Equal("hello from ziplegacy", File.ReadAllText(output));

            (status, var refused) = await apps.SendAsync(HttpMethod.Post, "/v2/apps",
                """{"id": "/bad-fetch", "cmd": "true", "fetch": [{"uri": "s3://bucket/a.tgz"}, {"uri": "http://h/a", "destPath": "../x"}]}""");
            Assert.Equal(422, status);
            Assert.Contains("fetch", refused.GetRawText());
        }
        finally
        {
            apps.KillLeftovers();
        }
    }
}
