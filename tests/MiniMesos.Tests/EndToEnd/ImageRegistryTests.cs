using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using MiniMesos.Core.Images;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Images;
using MiniMesos.Net.Agent;
using MiniMesos.Net.Http;
using MiniMesos.Tests.Images;
using Xunit;
using static MiniMesos.Tests.Images.TestTars;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// Images pulled from a registry served by the test itself on loopback (token auth, anonymous and with a login from a
/// Docker-style config.json), run on a real isolated agent (needs root): a multi-arch index resolved to the agent's
/// platform, concurrent pulls of one image sharing one download, and a tampered blob or a hostile layer failing the task
/// with the reference and the reason.
/// </summary>
public sealed class ImageRegistryTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-registry-e2e-").FullName;
    private readonly string _group = $"minimesos-reg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
    private readonly TestRegistry _registry = new() { TokenAuth = true };
    private readonly TestRegistry _private = new() { TokenAuth = true, Login = ("puller", "s3cret-pass") };
    private InProcessCluster _cluster = null!;
    private AgentService _agent = null!;
    private string _layout = "";

    public async Task InitializeAsync()
    {
        Assert.True(Environment.IsPrivilegedProcess, "image registry tests need root (namespaces, overlayfs): run the tests as root");
        _layout = Path.Combine(_dir, "layout");
        BusyboxImage.Write(_layout, "1.0");
        _registry.AddLayout(_layout, "test/busybox", "1.0");
        _private.AddLayout(_layout, "team/app", "2");
        _cluster = await InProcessCluster.StartAsync(agents: 0);
        var launch = new LaunchOptions(InitCommand: TestInit.Command, CgroupGroup: _group);
        _agent = await _cluster.StartAgentAsync("puller", _cluster.Secret, "test", launch: launch);
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("puller:s3cret-pass"));
        var config = "{\"auths\": {\"" + _private.Host + "\": {\"auth\": \"" + auth + "\"}}}";
        _agent.Registry = RegistryOptions.Default with { Credentials = RegistryCredentials.Parse(config) };
    }

    public async Task DisposeAsync()
    {
        if (_agent.Launcher is IsolatedTaskLauncher launcher) IsolatedTaskTests.RemoveGroup(launcher);
        await _cluster.DisposeAsync();
        _registry.Dispose();
        _private.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<TaskView> RunAsync(string image, string state, string? cmd = null)
    {
        using var client = _cluster.Client();
        try
        {
            var task = await client.SubmitAsync(new TaskSubmitRequest(null, cmd, "pulled", 0.1, 32, null, Container: new TaskContainerRequest(image)), CancellationToken.None);
            return await IsolatedTaskTests.WaitForStateAsync(client, task.Id, state);
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new TimeoutException($"{e.Message}\n--- cluster log ---\n{_cluster.Log}", e);
        }
    }

    private async Task<string> StdoutAsync(string taskId)
    {
        using var client = _cluster.Client();
        var output = new MemoryStream();
        await client.FollowLogAsync(taskId, "stdout", output, CancellationToken.None, follow: false);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>The busybox image with more (uncompressed) layers on top, as NAME:TAG; returns the new layers' digests.</summary>
    private static List<string> AddWithLayers(TestRegistry registry, string layout, string name, string tag, string architecture, params byte[][] extra)
    {
        var index = JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(layout, "index.json")))!;
        var manifest = JsonNode.Parse(System.IO.File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", index["manifests"]![0]!["digest"]!.GetValue<string>()[7..])))!;
        var config = JsonNode.Parse(System.IO.File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", manifest["config"]!["digest"]!.GetValue<string>()[7..])))!;
        config["architecture"] = architecture;
        var digests = new List<string>();
        foreach (var layer in extra)
        {
            digests.Add(registry.AddBlob(layer));
            config["rootfs"]!["diff_ids"]!.AsArray().Add(Sha256(layer));
            manifest["layers"]!.AsArray().Add(new JsonObject { ["mediaType"] = OciMediaTypes.OciLayer, ["digest"] = digests[^1], ["size"] = layer.Length });
        }
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        manifest["config"]!["digest"] = registry.AddBlob(configBytes);
        manifest["config"]!["size"] = configBytes.Length;
        registry.AddManifest(name, tag, Encoding.UTF8.GetBytes(manifest.ToJsonString()), OciMediaTypes.OciManifest);
        return digests;
    }

    [Fact]
    public async Task AMultiArchImageIsPulledOnceForConcurrentTasksWithAnAnonymousTokenAndRunsTheAgentsPlatform()
    {
        var arm = AddWithLayers(_registry, _layout, "test/multi", "arm-only", "arm64", Tar(File("arch", "arm64\n")));
        var amd = AddWithLayers(_registry, _layout, "test/multi", "amd-only", "amd64", Tar(File("arch", "amd64\n")));
        var index = new JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = OciMediaTypes.OciIndex,
            ["manifests"] = new JsonArray(
                Entry("arm-only", "arm64"), Entry("amd-only", "amd64"),
                new JsonObject { ["mediaType"] = OciMediaTypes.OciManifest, ["digest"] = Sha256([1]), ["size"] = 1, ["platform"] = new JsonObject { ["os"] = "unknown", ["architecture"] = "unknown" } }),
        };
        JsonObject Entry(string tag, string arch)
        {
            var digest = _registry.AddManifest("test/multi", tag + "-by-digest", ManifestBytes(tag), OciMediaTypes.OciManifest);
            return new JsonObject { ["mediaType"] = OciMediaTypes.OciManifest, ["digest"] = digest, ["size"] = ManifestBytes(tag).Length,
                ["platform"] = new JsonObject { ["os"] = "linux", ["architecture"] = arch } };
        }
        byte[] ManifestBytes(string tag) => _registry.ManifestBody("test/multi", tag);
        _registry.AddManifest("test/multi", "1.0", Encoding.UTF8.GetBytes(index.ToJsonString()), OciMediaTypes.OciIndex);

        var image = $"{_registry.Host}/test/multi:1.0";
        using var client = _cluster.Client();
        var tasks = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            client.SubmitAsync(new TaskSubmitRequest(null, "cat /arch /etc/hello", "multi", 0.1, 32, null, Container: new TaskContainerRequest(image)), CancellationToken.None)));
        foreach (var task in tasks)
        {
            await IsolatedTaskTests.WaitForStateAsync(client, task.Id, "TASK_FINISHED");
            Assert.Equal("amd64\nhello from layer 2\n", await StdoutAsync(task.Id));
        }
        Assert.Equal(1, _registry.Count("/blobs/" + amd[0]));
        Assert.Equal(0, _registry.Count("/blobs/" + arm[0]));
        Assert.True(_registry.Count("/token") >= 1, "the registry's token service was never asked");
        Assert.Contains("pulling image " + image, _cluster.Log.ToString());
    }

    [Fact]
    public async Task APrivateRegistryIsPulledWithTheLoginFromTheConfigFile()
    {
        var task = await RunAsync($"{_private.Host}/team/app:2", "TASK_FINISHED");
        Assert.Equal("hello from layer 2\n", await StdoutAsync(task.Id));
        // Without the login the token service refuses, and the error says what to do.
        using var anonymous = new RegistryClient(RegistryOptions.Default);
        var error = await Assert.ThrowsAsync<LayerUnpackException>(() =>
            anonymous.ManifestAsync(ImageReference.Parse($"{_private.Host}/team/app:2", out _)!, "2", CancellationToken.None));
        Assert.Contains("--registry-config", error.Message);
    }

    [Fact]
    public async Task ATamperedBlobAHostileLayerAndAMissingTagFailTheTaskNamingTheImage()
    {
        var tampered = AddWithLayers(_registry, _layout, "test/tampered", "1", "amd64", Tar(File("extra", "x\n")));
        _registry.Tampered.Add(tampered[0]);
        var bad = await RunAsync($"{_registry.Host}/test/tampered:1", "TASK_FAILED");
        Assert.Contains($"image {_registry.Host}/test/tampered:1", bad.Message);
        Assert.Contains("corrupt or tampered", bad.Message);

        AddWithLayers(_registry, _layout, "test/dotdot", "1", "amd64", Tar(File("../../escaped", "x\n")));
        var dotdot = await RunAsync($"{_registry.Host}/test/dotdot:1", "TASK_FAILED");
        Assert.Contains("contains '..'", dotdot.Message);
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "escaped")));

        AddWithLayers(_registry, _layout, "test/through-link", "1", "amd64", Tar(Symlink("out", "/" + _dir.TrimStart('/')), File("out/owned", "x\n")));
        var through = await RunAsync($"{_registry.Host}/test/through-link:1", "TASK_FAILED");
        Assert.Contains("symlink", through.Message);
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "owned")));

        // An absolute symlink is kept as a symlink and resolves inside the image, never on the host.
        AddWithLayers(_registry, _layout, "test/abs-link", "1", "amd64", Tar(Symlink("hostdir", _dir)));
        var abs = await RunAsync($"{_registry.Host}/test/abs-link:1", "TASK_FINISHED", $"[ -e /hostdir/layout ] && echo escaped || echo contained");
        Assert.Equal("contained\n", await StdoutAsync(abs.Id));

        var missing = await RunAsync($"{_registry.Host}/test/busybox:nope", "TASK_FAILED");
        Assert.Contains("not found", missing.Message);
    }
}
