// Inside WeChat's in-app browser, a page shared to a chat or to 朋友圈 shows its own card: the
// title, description, address and picture its meta tags give (templates/includes/meta.html).
// WeChat takes them only through its JS-SDK, configured with a signature the server makes for
// this address (website/wechat.py); the page itself is cached, so the signature is asked for
// here. Anywhere else, or if anything fails, the script does nothing and WeChat shows its
// plain card.
(function () {
  "use strict";

  if (!/MicroMessenger/i.test(navigator.userAgent)) return;
  var script = document.currentScript;
  var address = location.href.split("#")[0];

  function meta(selector) {
    var element = document.querySelector(selector);
    return element ? element.getAttribute("content") || "" : "";
  }

  function card() {
    var canonical = meta('meta[property="og:url"]');
    // WeChat shares only addresses on the domain the signature was made for.
    var sameHost = canonical && new URL(canonical, address).host === location.host;
    return {
      title: meta('meta[property="og:title"]') || document.title,
      desc: meta('meta[property="og:description"]') || meta('meta[name="description"]'),
      link: sameHost ? canonical : address,
      imgUrl: meta('meta[itemprop="image"]') || meta('meta[property="og:image"]'),
    };
  }

  function loadSdk() {
    return new Promise(function (resolve, reject) {
      var sdk = document.createElement("script");
      sdk.src = script.dataset.sdk;
      sdk.onload = function () { resolve(window.wx); };
      sdk.onerror = reject;
      document.head.appendChild(sdk);
    });
  }

  function signedConfig() {
    var query = "?url=" + encodeURIComponent(address);
    return fetch(script.dataset.config + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; });
  }

  Promise.all([signedConfig(), loadSdk()]).then(function (results) {
    var config = results[0];
    var wx = results[1];
    if (!config.available || !wx) return;
    wx.config({
      debug: false,
      appId: config.appId,
      timestamp: config.timestamp,
      nonceStr: config.nonceStr,
      signature: config.signature,
      jsApiList: config.jsApiList,
    });
    wx.ready(function () {
      var data = card();
      wx.updateAppMessageShareData(data);
      wx.updateTimelineShareData({ title: data.title, link: data.link, imgUrl: data.imgUrl });
    });
    // A refused signature (the domain not set in the official account's console, say): WeChat's
    // plain card, as without the script.
    wx.error(function () {});
  }, function () {});
})();
