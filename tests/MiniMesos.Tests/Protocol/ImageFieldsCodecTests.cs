using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Images;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

/// <summary>A task's image and an app's container travel through the log, the snapshot and the agent wire, gated at level 4.</summary>
public sealed class ImageFieldsCodecTests
{
    private static readonly TaskImage Image = new("oci:/srv/img:1", ImageCommandStyle.Mesos, Shell: true, ForcePull: true);

    [Fact]
    public void ATaskImageRoundTripsWithAndWithoutConstraintsAndNeedsLevel4()
    {
        var plain = new TaskSpec("t", ["echo hi"], new Dictionary<string, string>(), new Resources(0.1, 32, 0), Image: Image);
        var constrained = plain with { Constraints = [["hostname", "UNIQUE"]] };
        foreach (var spec in new[] { plain, constrained })
        {
            var submit = new SubmitTask(1, "t.1", spec);
            Assert.Equal(FeatureGate.Images, submit.RequiredLevel);
            var decoded = Assert.IsType<SubmitTask>(CommandCodec.Decode(CommandCodec.Encode(submit)));
            Assert.Equal(Image, decoded.Spec.Image);
            Assert.Equal(spec.Constraints?.Count, decoded.Spec.Constraints?.Count);
            var launches = new LaunchTasks(2, [new PlacedLaunch("t.1", spec, "a1")]);
            Assert.Equal(FeatureGate.Images, launches.RequiredLevel);
            Assert.Equal(Image, Assert.IsType<LaunchTasks>(CommandCodec.Decode(CommandCodec.Encode(launches))).Launches[0].Spec.Image);
        }
        // Without an image the bytes are what older masters read (5 isolation fields).
        var old = new SubmitTask(1, "t.1", plain with { Image = null, Ports = 1 });
        Assert.Equal(FeatureGate.Baseline, old.RequiredLevel);
        Assert.Null(Assert.IsType<SubmitTask>(CommandCodec.Decode(CommandCodec.Encode(old))).Spec.Image);
    }

    [Fact]
    public void AnAppContainerRoundTripsAndNeedsLevel4()
    {
        var app = new AppSpec("/web", Args: ["-g"], Version: "v1", Container: Image with { Shell = false });
        var put = new PutApp(1, app);
        Assert.Equal(FeatureGate.Images, put.RequiredLevel);
        Assert.NotNull(FeatureGate.Refusal(put, [1, 2], id => id == 1 ? FeatureGate.Current : FeatureGate.AppChecks));
        var decoded = Assert.IsType<PutApp>(CommandCodec.Decode(CommandCodec.Encode(put)));
        Assert.Equal(app.Container, decoded.App.Container);
        Assert.Equal(FeatureGate.Baseline, new PutApp(1, app with { Container = null }).RequiredLevel);
    }

    [Fact]
    public void TheAgentWireCarriesTheImageAndLeavesArgvEmptyForAgentsThatDoNotKnowImages()
    {
        var launch = new LaunchTask("t.1", "t", ["echo hi"], new Dictionary<string, string>(), 0.1, 32, Image: Image);
        var bytes = MessageCodec.Encode(launch);
        var decoded = Assert.IsType<LaunchTask>(MessageCodec.Decode(bytes, Net.MessagePack.MessagePackLimits.Default));
        Assert.Equal(Image, decoded.Image);
        Assert.Equal(["echo hi"], decoded.Argv);
        // What an older agent reads: "argv" is empty, so it fails the task for having no command.
        byte[] emptyArgv = [0xa4, .. "argv"u8, 0x90];
        Assert.True(bytes.AsSpan().IndexOf(emptyArgv) >= 0);
    }
}
