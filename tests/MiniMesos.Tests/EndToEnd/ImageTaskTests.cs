using System.Text;
using MiniMesos.Isolation;
using MiniMesos.Net.Agent;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Http;
using MiniMesos.Tests.Images;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// Tasks run from an image on a real isolated agent (needs root): the image's layers stacked with overlayfs, its
/// command, environment and working directory honoured, the task's isolation kept (its own uid, private /tmp, an
/// image it cannot change), /etc files provided, and failures ending the task TASK_FAILED naming the image.
/// </summary>
public sealed class ImageTaskTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-image-e2e-").FullName;
    private readonly string _group = $"minimesos-img-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
    private InProcessCluster _cluster = null!;
    private AgentService _agent = null!;
    private string _layout = "";

    public async Task InitializeAsync()
    {
        Assert.True(Environment.IsPrivilegedProcess, "image task tests need root (namespaces, overlayfs): run the tests as root");
        _layout = Path.Combine(_dir, "layout");
        BusyboxImage.Write(_layout, "1.0");
        _cluster = await InProcessCluster.StartAsync(agents: 0);
        var launch = new LaunchOptions(InitCommand: TestInit.Command, CgroupGroup: _group);
        _agent = await _cluster.StartAgentAsync("images", _cluster.Secret, "test", launch: launch);
    }

    public async Task DisposeAsync()
    {
        if (_agent.Launcher is IsolatedTaskLauncher launcher) IsolatedTaskTests.RemoveGroup(launcher);
        await _cluster.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(TaskView Task, string Stdout)> RunAsync(TaskSubmitRequest request, string state)
    {
        using var client = _cluster.Client();
        try
        {
            var submitted = await client.SubmitAsync(request, CancellationToken.None);
            var final = await IsolatedTaskTests.WaitForStateAsync(client, submitted.Id, state);
            var output = new MemoryStream();
            await client.FollowLogAsync(submitted.Id, "stdout", output, CancellationToken.None, follow: false);
            return (final, Encoding.UTF8.GetString(output.ToArray()));
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new TimeoutException($"{e.Message}\n--- cluster log ---\n{_cluster.Log}", e);
        }
    }

    [Fact]
    public async Task AnImageRunsItsOwnEntrypointAndCmdInItsWorkingDirectory()
    {
        var (_, stdout) = await RunAsync(new TaskSubmitRequest(null, null, "img", 0.1, 32, null, Container: new TaskContainerRequest("oci:" + _layout + ":1.0")),
            "TASK_FINISHED");
        Assert.Equal("hello from layer 2\n", stdout);
    }

    [Fact]
    public async Task AShellCommandRunsInsideTheImageIsolatedAsAnyTask()
    {
        const string script = "echo cwd=$(pwd); echo greeting=$GREETING; echo uid=$(busybox id -u); [ -e /etc/motd ] && echo motd-visible; " +
            "echo hostname=$(cat /etc/hostname); busybox grep -q \"$(cat /etc/hostname)\" /etc/hosts && echo hosts-ok; " +
            "echo x > /bin/written 2>/dev/null && echo image-writable; echo y > /tmp/t && echo tmp-ok; echo sandbox=$MINIMESOS_SANDBOX; " +
            "[ -c /dev/null ] && echo dev-null-ok; [ -e /sandbox/tmp/t ] && echo tmp-in-sandbox";
        var (task, stdout) = await RunAsync(new TaskSubmitRequest(null, script, "img-shell", 0.1, 32, null, Container: new TaskContainerRequest("oci:" + _layout + ":1.0")),
            "TASK_FINISHED");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("cwd=/etc", lines);
        Assert.Contains("greeting=image", lines);
        Assert.DoesNotContain("uid=0", lines);
        Assert.Contains(lines, l => l.StartsWith("uid=", StringComparison.Ordinal));
        Assert.DoesNotContain("motd-visible", lines); // layer 2's whiteout hides layer 1's file
        Assert.Contains("hostname=" + task.Id[..Math.Min(63, task.Id.Length)], lines);
        Assert.Contains("hosts-ok", lines);
        Assert.DoesNotContain("image-writable", lines); // the image belongs to root, the task runs as its own uid
        Assert.Contains("tmp-ok", lines);
        Assert.Contains("sandbox=/sandbox", lines);
        Assert.Contains("dev-null-ok", lines);
        Assert.Contains("tmp-in-sandbox", lines);
    }

    [Fact]
    public async Task HostPathsBindReadOnlyIntoTheImage()
    {
        var host = Directory.CreateDirectory(Path.Combine(_dir, "shared")).FullName;
        File.WriteAllText(Path.Combine(host, "data.txt"), "from the host\n");
        File.SetUnixFileMode(host, (UnixFileMode)0b111_111_111); // only the read-only mount keeps the task from writing
        var file = Path.Combine(_dir, "motd");
        File.WriteAllText(file, "host motd\n");
        const string script = "cat /data/data.txt; cat /etc/motd; echo x > /data/new 2>/dev/null && echo bind-writable; " +
            "cat /etc/hello; busybox grep -q ' /data [^ ]* ro,' /proc/self/mounts && echo data-ro";
        var request = new TaskSubmitRequest(null, script, "img-binds", 0.1, 32, null, Binds: new Dictionary<string, string> { [host] = "/data", [file] = "/etc/motd" },
            Container: new TaskContainerRequest("oci:" + _layout + ":1.0"));
        var (_, stdout) = await RunAsync(request, "TASK_FINISHED");
        // /etc/motd: layer 2 deleted the image's file (a whiteout); the bind makes it again, read-only, in the task's upper dir.
        Assert.Equal("from the host\nhost motd\nhello from layer 2\ndata-ro\n", stdout);
        Assert.False(File.Exists(Path.Combine(host, "new")));

        using var client = _cluster.Client();
        var error = await Assert.ThrowsAsync<CliException>(() => client.SubmitAsync(request with { Binds = new Dictionary<string, string> { [host] = "/sandbox/x" } }, CancellationToken.None));
        Assert.Contains($"binds.{host}", error.Message);
    }

    [Fact]
    public async Task ArgumentsGoAfterTheImagesEntrypoint()
    {
        var (_, stdout) = await RunAsync(new TaskSubmitRequest(["echo from-args $GREETING; exit 4"], null, "img-args", 0.1, 32, null,
            Container: new TaskContainerRequest("oci:" + _layout + ":1.0")), "TASK_FAILED");
        Assert.Equal("from-args image\n", stdout);
    }

    [Fact]
    public async Task AMissingImageFailsTheTaskNamingTheReferenceAndTheReason()
    {
        var missing = "oci:" + Path.Combine(_dir, "nowhere") + ":1.0";
        var (task, _) = await RunAsync(new TaskSubmitRequest(null, null, "img-missing", 0.1, 32, null, Container: new TaskContainerRequest(missing)), "TASK_FAILED");
        Assert.Contains("image " + missing, task.Message);
        Assert.Contains("not a directory", task.Message);
    }

    [Fact]
    public async Task AMarathonDockerAppRunsItsImageAndShowsItsContainer()
    {
        var app = $$$"""
            {"id": "/img-web", "cmd": "echo app-from-image; exec busybox sleep 300", "cpus": 0.1, "mem": 32,
             "container": {"type": "DOCKER", "docker": {"image": "oci:{{{_layout}}}:1.0", "forcePullImage": false} } }
            """;
        using var client = _cluster.Client();
        var post = await client.SendAsync(HttpMethod.Post, "/v2/apps", app, CancellationToken.None);
        Assert.True(post.Status is >= 200 and < 300, post.Body);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        TaskView? running = null;
        while (running is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no running instance of /img-web\n{_cluster.Log}");
            running = (await client.TasksAsync(CancellationToken.None)).Tasks.FirstOrDefault(t => t.State == "TASK_RUNNING" && t.Id.StartsWith("img-web", StringComparison.Ordinal));
            if (running is null) await Task.Delay(100);
        }
        Assert.Equal("oci:" + _layout + ":1.0", running.Container?.Image);
        var output = new MemoryStream();
        for (var i = 0; i < 300 && output.Length == 0; i++)
        {
            await client.FollowLogAsync(running.Id, "stdout", output, CancellationToken.None, follow: false);
            if (output.Length == 0) await Task.Delay(100);
        }
        Assert.Equal("app-from-image\n", Encoding.UTF8.GetString(output.ToArray()));
        var shown = System.Text.Json.JsonDocument.Parse((await client.SendAsync(HttpMethod.Get, "/v2/apps/img-web", null, CancellationToken.None)).Body).RootElement.GetProperty("app").GetProperty("container");
        Assert.Equal("DOCKER", shown.GetProperty("type").GetString());
        Assert.Equal("oci:" + _layout + ":1.0", shown.GetProperty("docker").GetProperty("image").GetString());
        var delete = await client.SendAsync(HttpMethod.Delete, "/v2/apps/img-web", null, CancellationToken.None);
        Assert.True(delete.Status is >= 200 and < 300, delete.Body);
        await IsolatedTaskTests.WaitForStateAsync(client, running.Id, "TASK_KILLED");

        var bridged = app.Replace("\"forcePullImage\": false", "\"network\": \"BRIDGE\", \"portMappings\": [{\"containerPort\": 80, \"hostPort\": 0}]").Replace("/img-web", "/img-bridge");
        var refused = await client.SendAsync(HttpMethod.Post, "/v2/apps", bridged, CancellationToken.None);
        Assert.Equal(422, refused.Status);
        Assert.Contains("container.docker.network", refused.Body);
    }

    [Fact]
    public async Task GcKeepsTheLayersOfARunningImageTaskAcrossAnAgentRestartAndCollectsThemOnceItEnded()
    {
        // Its own agent: this one is stopped and started again.
        var launch = new LaunchOptions(InitCommand: TestInit.Command, CgroupGroup: _group + "r");
        using var first = new CancellationTokenSource();
        var agent = await _cluster.StartAgentAsync("restarting", _cluster.Secret, "test", launch: launch, stop: first.Token,
            hostname: "img-restart");
        using var client = _cluster.Client();
        try
        {
            var task = await client.SubmitAsync(new TaskSubmitRequest(["echo up; exec busybox sleep 600"], null, "img-long", 0.1, 32, null,
                Container: new TaskContainerRequest("oci:" + _layout + ":1.0"), Constraints: [["hostname", "CLUSTER", "img-restart"]]), CancellationToken.None);
            await IsolatedTaskTests.WaitForStateAsync(client, task.Id, "TASK_RUNNING");
            var layers = Directory.GetDirectories(Path.Combine(_cluster.Dir, "restarting", "images", "store", "layers"));
            Assert.Equal(2, layers.Length);

            await first.CancelAsync();
            await Task.Delay(300);
            var again = await _cluster.StartAgentAsync("restarting", _cluster.Secret, "test", launch: launch, hostname: "img-restart");
            await IsolatedTaskTests.WaitForStateAsync(client, task.Id, "TASK_RUNNING");
            // A day later, with the disk as it is: the reattached task's layers stay.
            Assert.Empty(again.CollectImages(DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromHours(1), 0));
            Assert.All(layers, l => Assert.True(Directory.Exists(l)));

            await client.KillAsync(task.Id, CancellationToken.None);
            await IsolatedTaskTests.WaitForStateAsync(client, task.Id, "TASK_KILLED");
            Assert.Equal(2, again.CollectImages(DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromHours(1), 0).Count);
            Assert.All(layers, l => Assert.False(Directory.Exists(l)));
            if (again.Launcher is IsolatedTaskLauncher launcher) IsolatedTaskTests.RemoveGroup(launcher);
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new TimeoutException($"{e.Message}\n--- cluster log ---\n{_cluster.Log}", e);
        }
    }
}
