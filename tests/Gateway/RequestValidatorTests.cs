using System.Text.Json.Nodes;
using LlmGateway.Gateway;

namespace LlmGateway.Tests.Gateway;

/// <summary>The fields the gateway relies on, checked on the parsed body alone: which param a problem names, and what is read.</summary>
public sealed class RequestValidatorTests
{
    [Theory]
    [InlineData("""{"model":"m","messages":[]}""", "m", false)]
    [InlineData("""{"model":"m","messages":[],"stream":true}""", "m", true)]
    [InlineData("""{"model":"m","messages":[],"stream":false,"n":128,"seed":-1,"temperature":0.2,"max_tokens":1}""", "m", false)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null},{"role":"user","content":[{"type":"text","text":"x"}]}]}""", "m", false)]
    public void A_valid_chat_body_gives_its_model_and_stream(string json, string model, bool stream)
    {
        var problem = RequestValidator.Validate(OpenAiEndpoint.ChatCompletions, Body(json), out var readModel, out var readStream);

        Assert.Null(problem);
        Assert.Equal((model, stream), (readModel, readStream));
    }

    [Theory]
    [InlineData("""{"messages":[]}""", "model")]
    [InlineData("""{"model":"","messages":[]}""", "model")]
    [InlineData("""{"model":"  ","messages":[]}""", "model")]
    [InlineData("""{"model":7,"messages":[]}""", "model")]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":null}""", "messages")]
    [InlineData("""{"model":"m","messages":{}}""", "messages")]
    [InlineData("""{"model":"m","messages":[],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"m","messages":[],"temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"m","messages":[],"top_p":true}""", "top_p")]
    [InlineData("""{"model":"m","messages":[],"n":0}""", "n")]
    [InlineData("""{"model":"m","messages":[],"n":129}""", "n")]
    [InlineData("""{"model":"m","messages":[],"n":1.5}""", "n")]
    [InlineData("""{"model":"m","messages":[],"max_tokens":"10"}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":[],"max_completion_tokens":0}""", "max_completion_tokens")]
    [InlineData("""{"model":"m","messages":[],"max_tokens":2147483648}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":[],"seed":1.5}""", "seed")]
    [InlineData("""{"model":"m","messages":["hi"]}""", "messages[0]")]
    [InlineData("""{"model":"m","messages":[{"content":"hi"}]}""", "messages[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"ok"},{"role":"user","content":5}]}""", "messages[1].content")]
    public void A_chat_body_the_gateway_cannot_rely_on_names_the_param(string json, string param)
    {
        var problem = RequestValidator.Validate(OpenAiEndpoint.ChatCompletions, Body(json), out _, out _);

        Assert.NotNull(problem);
        Assert.Equal(param, problem.Param);
        Assert.Contains(param.Split('[')[0], problem.Message);
    }

    [Theory]
    [InlineData("Completions", """{"model":"m"}""", "prompt")]
    [InlineData("Embeddings", """{"model":"m"}""", "input")]
    [InlineData("Responses", """{"input":"x"}""", "model")]
    [InlineData("Completions", """{"model":"m","prompt":"x","max_output_tokens":0}""", "max_output_tokens")]
    public void Each_endpoint_requires_its_own_fields(string endpoint, string json, string param) =>
        Assert.Equal(param, RequestValidator.Validate(Enum.Parse<OpenAiEndpoint>(endpoint), Body(json), out _, out _)?.Param);

    [Theory]
    [InlineData("""{"purpose":"batch"}""", null)]
    [InlineData("""{"model":"m","anything":1}""", "m")]
    public void A_pass_through_body_needs_no_model_but_one_it_names_is_read(string json, string? model)
    {
        Assert.Null(RequestValidator.Validate(OpenAiEndpoint.Other, Body(json), out var readModel, out _));
        Assert.Equal(model, readModel);
    }

    private static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();
}
