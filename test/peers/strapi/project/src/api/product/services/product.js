// Strapi's generated service for products, unchanged.
const { factories } = require("@strapi/strapi");

module.exports = factories.createCoreService("api::product.product");
