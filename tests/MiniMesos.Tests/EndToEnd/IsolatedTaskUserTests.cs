using System.Text;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Task user and network through the API on an isolated agent (needs root).</summary>
[Trait("Category", "Slow")]
public sealed class IsolatedTaskUserTests
{
    [Fact]
    public async Task TasksRunAsNobodyOrAnAllowedUserOthersFailByNameAndNetworkNoneHasOnlyLoopback()
    {
        Assert.True(Environment.IsPrivilegedProcess, "isolated task tests need root (namespaces, cgroups): run the tests as root");
        var group = $"minimesos-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
        var launch = new LaunchOptions(InitCommand: TestInit.Command, CgroupGroup: group);
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var agent = await cluster.StartAgentAsync("users", cluster.Secret, "test", launch: launch,
            users: TaskUserPolicy.Parse("daemon,no-such-user-here"));
        var launcher = Assert.IsType<IsolatedTaskLauncher>(agent.Launcher);
        try
        {
            using var client = cluster.Client();
            async Task<(TaskView Final, string Stdout)> RunAsync(string script, string? user = null, string? network = null)
            {
                var task = await client.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", script], null, "who", 0.1, 32, null,
                    User: user, Network: network), CancellationToken.None);
                var output = new MemoryStream();
                await client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                var final = await Eventually.MatchAsync(() => client.GetTaskAsync(task.Id, CancellationToken.None),
                    t => t.State is not ("TASK_STAGING" or "TASK_STARTING" or "TASK_RUNNING"), $"task {task.Id} ends", TimeSpan.FromSeconds(10),
                    describe: t => $"{t.State} {t.Message}");
                return (final, Encoding.UTF8.GetString(output.ToArray()));
            }

            // A task that names no user runs as a uid of its own from the per-task range, with no passwd entry.
            var own = uint.Parse((await RunAsync("id -u")).Stdout.Trim());
            Assert.InRange(own, 1879048192u, 1879113727u);
            Assert.Equal("daemon\n", (await RunAsync("id -un", user: "daemon")).Stdout);

            var root = (await RunAsync("id -un", user: "root")).Final;
            Assert.Equal("TASK_FAILED", root.State);
            Assert.Contains("user 'root' is not allowed", root.Message);
            Assert.Contains("--allowed-users", root.Message);

            var unknown = (await RunAsync("id -un", user: "no-such-user-here")).Final;
            Assert.Equal("TASK_FAILED", unknown.State);
            Assert.Contains("unknown user 'no-such-user-here'", unknown.Message);

            var (isolatedNet, interfaces) = await RunAsync("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '", network: "none");
            Assert.Equal("TASK_FINISHED", isolatedNet.State);
            Assert.Equal("lo\n", interfaces);
            var hostInterfaces = (await RunAsync("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")).Stdout;
            Assert.Equal(File.ReadAllLines("/proc/net/dev").Length - 2, hostInterfaces.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

            // A job's attempts are isolated the same way: its user and network reach the task.
            var (created, _) = await client.SendAsync(HttpMethod.Post, "/v1/jobs",
                """{"id": "who-job", "cmd": "id -un; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '", "user": "daemon", "network": "none"}""",
                CancellationToken.None);
            Assert.Equal(201, created);
            var jobTask = await Eventually.MatchAsync(async () =>
            {
                using var job = System.Text.Json.JsonDocument.Parse(await client.GetJsonAsync("/v1/jobs/who-job", CancellationToken.None));
                var runs = job.RootElement.GetProperty("runs");
                return runs.GetArrayLength() > 0 ? runs[0].GetProperty("attempts")[0].GetProperty("taskId").GetString() : null;
            }, id => id is not null, "the job's first attempt has a task", TimeSpan.FromSeconds(15));
            var jobOutput = new MemoryStream();
            await client.FollowLogAsync(jobTask, "stdout", jobOutput, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("daemon\nlo\n", Encoding.UTF8.GetString(jobOutput.ToArray()));

            // A rootfs through the API: the task sees only the busybox tree and the read-only bind.
            var rootfs = Isolation.RootfsLauncherTests.BuildBusyboxRootfs();
            var data = Directory.CreateTempSubdirectory("minimesos-bind-").FullName;
            try
            {
                File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
                File.WriteAllText(Path.Combine(data, "hello"), "hi\n");
                var task = await client.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", "ls /; cat /data/hello; echo $MINIMESOS_SANDBOX"], null, "rootfs", 0.1, 32, null,
                    Rootfs: rootfs, Binds: new Dictionary<string, string> { [data] = "/data" }), CancellationToken.None);
                var output = new MemoryStream();
                await client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal("bin\ndata\nproc\nsandbox\ntmp\nhi\n/sandbox\n", Encoding.UTF8.GetString(output.ToArray()));
                Assert.Equal("TASK_FINISHED", (await IsolatedTaskTests.WaitForStateAsync(client, task.Id, "TASK_FINISHED")).State);
                Assert.DoesNotContain(rootfs, File.ReadAllText("/proc/self/mountinfo"));
            }
            finally
            {
                Directory.Delete(rootfs, recursive: true);
                Directory.Delete(data, recursive: true);
            }
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new TimeoutException($"{e.Message}\n--- cluster log ---\n{cluster.Log}", e);
        }
        finally
        {
            IsolatedTaskTests.RemoveGroup(launcher);
        }
    }
}
