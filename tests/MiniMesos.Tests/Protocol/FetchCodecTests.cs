using MiniMesos.Core.Fetch;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

/// <summary>Fetch URIs ride in task specs, app specs and launch messages; they need level 4, and specs without them keep their bytes.</summary>
public sealed class FetchCodecTests
{
    private static readonly FetchUri[] Uris = [new("http://h/a.tgz"), new("/opt/tool", Extract: false, Executable: true, Cache: true, DestPath: "bin/tool")];

    [Fact]
    public void TaskAndAppSpecsCarryFetchAtLevelFour()
    {
        var spec = new TaskSpec("t", ["true"], new Dictionary<string, string>(), new Resources(0.1, 16), Fetch: Uris);
        var submit = new SubmitTask(1, "t.1", spec);
        Assert.Equal(FeatureGate.Fetch, submit.RequiredLevel);
        Assert.Equal(Uris, ((SubmitTask)CommandCodec.Decode(CommandCodec.Encode(submit))).Spec.Fetch);
        var withConstraints = submit with { Spec = spec with { Constraints = [["hostname", "UNIQUE"]] } };
        var decoded = ((SubmitTask)CommandCodec.Decode(CommandCodec.Encode(withConstraints))).Spec;
        Assert.Equal(Uris, decoded.Fetch);
        Assert.Equal("UNIQUE", decoded.Constraints![0][1]);
        Assert.Equal(FeatureGate.Baseline, (submit with { Spec = spec with { Fetch = null } }).RequiredLevel);

        var app = new PutApp(2, new AppSpec("/a", Cmd: "true", Version: "v1", Fetch: Uris));
        Assert.Equal(FeatureGate.Fetch, app.RequiredLevel);
        Assert.Equal(Uris, ((PutApp)CommandCodec.Decode(CommandCodec.Encode(app))).App.Fetch);
        var plain = CommandCodec.Encode(app with { App = app.App with { Fetch = null } });
        Assert.Null(((PutApp)CommandCodec.Decode(plain)).App.Fetch);
        Assert.Equal(FeatureGate.Baseline, ((PutApp)CommandCodec.Decode(plain)).RequiredLevel);
    }

    [Fact]
    public void TheLaunchMessageCarriesFetch()
    {
        var launch = new LaunchTask("t.1", "t", ["true"], new Dictionary<string, string>(), 0.1, 16, Fetch: Uris);
        var decoded = (LaunchTask)MessageCodec.Decode(MessageCodec.Encode(launch), MessagePackLimits.Default);
        Assert.Equal(Uris, decoded.Fetch);
        Assert.Null(((LaunchTask)MessageCodec.Decode(MessageCodec.Encode(launch with { Fetch = null }), MessagePackLimits.Default)).Fetch);
    }
}
